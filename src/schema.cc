#include "schema.h"

#include <array>

#include "binding.h"
#include "paths.h"
#include "qemu_values.h"
#include "rules.h"
#include "shape_check.h"

namespace qemuc {
namespace {

using T = FieldType;

// systemd's user and group names and unit names (systemd_values.h has the exact rules: id
// ranges and lengths).
constexpr const char* kUserOrGroup = "(?:[A-Za-z_][A-Za-z0-9_-]{0,30}|0|[1-9][0-9]{0,9})";
constexpr const char* kUnitName =
    "[A-Za-z0-9:_.\\\\-]+(?:@[A-Za-z0-9:_.\\\\-]+)?\\.(?:service|socket|target|device|mount|"
    "automount|swap|timer|path|slice|scope)";

// QEMU ids; they are item keys, never interpolated.
constexpr const char* kQemuId = "[A-Za-z][A-Za-z0-9._-]*";

std::string Ipv4() {
  const std::string octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  return octet + "(?:\\." + octet + "){3}";
}

Field Port(std::string_view name, std::string_view description, int Forward::*port) {
  return Field(name, T::kInteger, description).Required().Min(1).Max(65535).Bind(Member(port));
}

Field Forwards() {
  return Field("forwards", T::kKeyedList, "Host port forwards into the guest, keyed by guest port.")
      .KeyedBy("guest")
      .Check(CheckUniqueHostPort)
      .Bind(Items(&UserNetwork::forwards))
      .Children({
          Port("guest", "Port in the guest.", &Forward::guest_port),
          Port("host", "Port on the host.", &Forward::host_port),
          Field("protocol", T::kEnum, "Transport protocol.")
              .OneOf({"tcp", "udp"})
              .Default("tcp")
              .Bind(Member(&Forward::protocol)),
          Field("host_address", T::kString, "IPv4 address on the host to listen on (default: all).")
              .Pattern(Ipv4())
              .Check(CheckHostAddress)
              .Bind(Member(&Forward::host_address)),
      });
}

Field UserNetwork() {
  return Field("user", T::kMapping, "User-mode (slirp) networking.")
      .Check(CheckUserNetwork)  // the four addresses, together
      .Bind(Optional(&Network::user))
      .Children({
          // QEMU takes prefixes 4..32 (qemu_values.h: kMinPrefix, kMaxPrefix) and masks host
          // bits.
          Field("network", T::kString, "IPv4 network in CIDR form, e.g. 10.0.2.0/24.")
              .Pattern(Ipv4() + "/(?:[4-9]|[12][0-9]|3[0-2])")
              .Bind(Member(&UserNetwork::network)),
          Field("dhcp_start", T::kString, "First address handed out by the built-in DHCP server.")
              .Pattern(Ipv4())
              .Bind(Member(&UserNetwork::dhcp_start)),
          Field("dns", T::kString, "Address of the built-in DNS server.")
              .Pattern(Ipv4())
              .Bind(Member(&UserNetwork::dns)),
          Field("host", T::kString, "Address of the host inside the guest network.")
              .Pattern(Ipv4())
              .Bind(Member(&UserNetwork::host)),
          Forwards(),
      });
}

Field TapNetwork() {
  return Field("tap", T::kMapping, "A host tap interface.")
      .Bind(Optional(&Network::tap))
      .Children({
          // At most 15 bytes (for ASCII names, 15 characters); no '/', ':' or whitespace
          // (Linux), no ',' (it would end QEMU's ifname= value).
          Field("name", T::kString, "Host tap interface name (at most 15 bytes).")
              .Required()
              .Pattern("[^/:,\\x00-\\x20\\x7f]{1,15}")
              .Check(CheckTapName)
              .Bind(Member(&TapNetwork::name)),
      });
}

Field Drives() {
  return Field("drives", T::kKeyedList, "virtio-blk drives, keyed by id.")
      .KeyedBy("id")
      .Bind(Items(&Config::drives))
      .Children({
          Field("id", T::kString, "QEMU id of the drive.")
              .PatternAsWritten(kQemuId)
              .Check(CheckDriveId)
              .Bind(Member(&Drive::id)),
          Field("file", T::kPath, "Disk image file, in the drive's format.")
              .Required()
              .Check(CheckFilePath)
              .Bind(PathMember(&Drive::file, "drive")),
          Field("format", T::kEnum, "Disk image format.")
              .OneOf({"raw", "qcow2"})
              .Default("raw")
              .Bind(Member(&Drive::format)),
          Field("readonly", T::kBool, "The guest cannot write to the drive.")
              .Default("false")
              .Bind(Member(&Drive::readonly)),
          Field("snapshot", T::kBool, "Writes go to a temporary file that QEMU drops at exit.")
              .Default("false")
              .Bind(Member(&Drive::snapshot)),
          // Slot 01-1f (00 holds the host bridge), function 0-7, in hex.
          Field("addr", T::kString, "PCI address slot[.function], e.g. \"05.0\".")
              .Pattern("(?:0?[1-9A-Fa-f]|1[0-9A-Fa-f])(?:\\.[0-7])?")
              .Check(CheckPciAddress)
              .Bind(Member(&Drive::addr)),
      });
}

Field Shares() {
  return Field("shares", T::kKeyedList, "Host directories the guest mounts over 9p, keyed by tag.")
      .KeyedBy("tag")
      .Bind(Items(&Config::shares))
      .Children({
          Field("tag", T::kString, "Mount tag (also QEMU's fsdev id), at most 31 bytes.")
              .PatternAsWritten(std::string(kMountTagPattern))
              .Check(CheckShareTag)
              .Bind(Member(&Share::tag)),
          Field("path", T::kPath, "Host directory to share.")
              .Required()
              .Check(CheckFilePath)
              .Bind(PathMember(&Share::path, "share", PathUse::kDirectory)),
          Field("readonly", T::kBool, "The guest cannot write to the directory.")
              .Default("false")
              .Bind(Member(&Share::readonly)),
      });
}

// SPEC §9: the firmware a board boots, in place of QEMU's own, and its device tree.
Field Firmware() {
  return Field("firmware", T::kMapping, "Firmware and device tree, in place of QEMU's own.")
      .Check(CheckFirmware)  // bios and uefi exclude each other
      .Bind(Mapping(&Config::firmware))
      .Children({
          Field("bios", T::kPath, "Firmware image for -bios (SeaBIOS, OpenSBI, U-Boot).")
              .Check(CheckFilePath)
              .Bind(PathMember(&Firmware::bios, "bios")),
          Field("uefi", T::kMapping, "UEFI firmware on two pflash devices: code and variables.")
              .Bind(Optional(&Firmware::uefi))
              .Children({
                  Field("code", T::kPath, "UEFI code image (OVMF_CODE.fd), attached read-only.")
                      .Required()
                      .Check(CheckFilePath)
                      .Bind(PathMember(&Uefi::code, "UEFI code")),
                  // The firmware writes its variables here: a copy of the image's, per VM.
                  Field("vars", T::kPath, "UEFI variable store (a copy of OVMF_VARS.fd), written.")
                      .Required()
                      .Check(CheckFilePath)
                      .Bind(PathMember(&Uefi::vars, "UEFI vars", PathUse::kWritableFile)),
              }),
          Field("dtb", T::kPath, "Device tree blob in place of QEMU's (aarch64, riscv64).")
              .Check(CheckFilePath)
              .Bind(PathMember(&Firmware::dtb, "dtb")),
      });
}

Field Networks() {
  return Field("networks", T::kKeyedList, "virtio-net devices, keyed by id; each user or tap.")
      .KeyedBy("id")
      .Check(CheckNetworkBackend)
      .Bind(Items(&Config::networks))
      .Children({
          Field("id", T::kString, "QEMU id of the network device.")
              .PatternAsWritten(kQemuId)
              .Check(CheckNetworkId)
              .Bind(Member(&Network::id)),
          // Unicast (the low bit of the first octet clear), and not all zeros.
          Field("mac", T::kString, "Unicast MAC address xx:xx:xx:xx:xx:xx.")
              .Pattern("(?!(?:00:){5}00$)[0-9A-Fa-f][02468ACEace](?::[0-9A-Fa-f]{2}){5}")
              .Check(CheckMac)
              .Bind(Member(&Network::mac)),
          UserNetwork(),
          TapNetwork(),
      });
}

// qemu.target's names; the row's choices and lowering both read this list.
constexpr std::array<std::pair<std::string_view, Target>, 3> kTargets = {{
    {"x86_64", Target::kX86_64},
    {"aarch64", Target::kAArch64},
    {"riscv64", Target::kRiscv64},
}};

std::vector<std::string_view> TargetNames() {
  std::vector<std::string_view> names;
  for (const auto& target : kTargets) names.push_back(target.first);
  return names;
}

Target TargetNamed(const Node& value) {
  for (const auto& [name, target] : kTargets) {
    if (name == value.text) return target;
  }
  return Target::kX86_64;  // not reached: validated
}

int64_t MemoryMiB(const Node& value) {
  return ReadMemory(value).mib;
}

// A bare name stays as written, for the host checks to look up in PATH; the default (no
// binary) is derived from the target by lowering.
void StoreBinary(Config& config, const Node& value, const KeyPath&, LowerContext& context) {
  context.out.binary_range = value.range;
  context.out.binary_is_bare = IsBareName(value.text);
  config.binary = context.out.binary_is_bare ? value.text : ResolvedPath(value);
}

Field Qemu() {
  return Field("qemu", T::kMapping, "The virtual machine.")
      .Required()
      .Check(CheckQemu)
      .Bind(Mapping(&LoweredProfile::config))
      .Children({
          Field("binary", T::kPath, "QEMU binary; a bare name is looked up in PATH.")
              .DerivedDefault("qemu-system-<target>")
              .BareNameAllowed()
              .Check(CheckFilePath)
              .Bind(Custom(StoreBinary)),
          Field("target", T::kEnum, "Guest architecture.")
              .OneOf(TargetNames())
              .Required()
              .Bind(Converted(&Config::target, TargetNamed)),
          Field("cpu", T::kString, "CPU model, with features if any (max, host, cortex-a72).")
              .DerivedDefault(
                  "the target's: Haswell,+smap,-check,-fsgsbase, cortex-a53 or rv64; host with KVM")
              .Pattern(std::string(kCpuModelPattern))
              .Check(CheckCpuModel)
              .Bind(Member(&Config::cpu)),
          Field("cpus", T::kInteger, "Number of virtual CPUs.")
              .Default("1")
              .Min(1)
              .Max(4096)
              .Bind(Member(&Config::cpus)),
          Field("memory", T::kMemory,
                "RAM: MiB as an integer, or a string with K/M/G/T; at most 990G.")
              .Required()
              .Bind(Converted(&Config::memory_mib, MemoryMiB)),
          Field("kvm", T::kBool, "Use KVM acceleration.")
              .Default("false")
              .Bind(Member(&Config::kvm)),
          Field("kernel", T::kPath, "Kernel image.")
              .Required()
              .Check(CheckFilePath)
              .Bind(PathMember(&Config::kernel, "kernel")),
          // The multiboot loader splits initrd on ','; a ',' written here stays after
          // interpolation.
          Field("initrd", T::kPath, "Initial ramdisk image.")
              .PatternAsWritten("[^,\\x00-\\x1f\\x7f]*")
              .Check(CheckInitrdPath)
              .Bind(PathMember(&Config::initrd, "initrd")),
          Firmware(),
          Drives(),
          Networks(),
          Field("rng", T::kBool, "A virtio-rng device, fed by the host's /dev/urandom.")
              .Default("false")
              .Bind(Member(&Config::rng)),
          Field("no_reboot", T::kBool, "A guest reset ends QEMU instead of rebooting the VM.")
              .Default("false")
              .Bind(Member(&Config::no_reboot)),
          // The log's and the socket's directories must exist; QEMU makes the files.
          Field("serial_log", T::kPath, "File that gets a copy of the serial console.")
              .Check(CheckFilePath)
              .Bind(PathMember(&Config::serial_log, "serial log", PathUse::kInDirectory)),
          // -qmp unix:PATH would read a '=' as key=value; a '=' written here stays after
          // interpolation.
          Field("qmp", T::kPath, "Unix socket for QMP; a graceful stop uses it.")
              .PatternAsWritten("[^=\\x00-\\x1f\\x7f]*")
              .Check(CheckQmpSocketPath)
              .Bind(PathMember(&Config::qmp, "QMP socket", PathUse::kSocket)),
          Shares(),
          // An exit status, as a shell and systemd see one: 0 is success already.
          Field("success_status", T::kInteger,
                "QEMU's exit status that means the guest passed; the script and run exit 0 for it.")
              .Min(1)
              .Max(255)
              .Bind(Member(&Config::success_status)),
          Field("extra_args", T::kArgs, "Raw QEMU arguments, appended before -append.")
              .Bind(Member(&Config::extra_args)),
      });
}

Field Systemd() {
  using U = UnitSettings;
  return Field("systemd", T::kMapping, "Settings for --format systemd.")
      .Bind(Mapping(&LoweredProfile::unit))
      .Children({
          Field("description", T::kString, "Unit description (default: from name and description).")
              .Bind(Member(&U::description)),
          // systemd's strict user and group names, or numeric ids (systemd_values.h).
          Field("user", T::kString, "User to run QEMU as: a name or numeric id.")
              .Pattern(kUserOrGroup)
              .Check(CheckUserOrGroup)
              .Bind(Member(&U::user)),
          Field("group", T::kString, "Group to run QEMU as: a name or numeric id.")
              .Pattern(kUserOrGroup)
              .Check(CheckUserOrGroup)
              .Bind(Member(&U::group)),
          Field("restart", T::kEnum, "When systemd restarts the VM.")
              .OneOf({"no", "on-failure", "always"})
              .Default("on-failure")
              .Bind(Member(&U::restart)),
          // A day at most, like qmp-powerdown's --timeout that stop_timeout becomes.
          Field("restart_sec", T::kInteger, "Seconds before a restart.")
              .Default("5")
              .Min(0)
              .Max(86400)
              .Bind(Member(&U::restart_sec)),
          Field("after", T::kStringList, "Units to start after.")
              .Check(CheckUnitName)
              .Bind(Member(&U::after)),
          Field("wants", T::kStringList, "Units wanted by this one.")
              .Check(CheckUnitName)
              .Bind(Member(&U::wants)),
          Field("wanted_by", T::kString, "Target that installs the unit.")
              .Default("multi-user.target")
              .Pattern(kUnitName)
              .Check(CheckUnitName)
              .Bind(Member(&U::wanted_by)),
          Field("graceful_stop", T::kBool, "Stop with QMP system_powerdown, then wait.")
              .Default("false")
              .Bind(Member(&U::graceful_stop)),
          Field("stop_timeout", T::kInteger, "Seconds to wait for the VM to stop.")
              .Default("90")
              .Min(1)
              .Max(86400)
              .Bind(Member(&U::stop_timeout)),
          Field("hardening", T::kBool, "Sandboxing directives QEMU tolerates.")
              .Default("true")
              .Bind(Member(&U::hardening)),
      });
}

Field Root() {
  using P = LoweredProfile;
  return Field("", T::kMapping, "A qemuc profile.")
      .Children({
          Field("extends", T::kExtends, "Parent profile(s), relative to this file.")
              .ConsumedBeforeLowering(),
          Field("abstract", T::kBool,
                "A base or overlay, not compilable on its own; not inherited.")
              .Default("false")
              .NotInherited()
              .ConsumedBeforeLowering(),
          Field("name", T::kString, "Profile name.")
              .DerivedDefault("the file name without extension")
              .Pattern(std::string(kProfileNamePattern))
              .Check(CheckProfileName)
              .Bind(Member(&P::name)),
          Field("description", T::kString, "What this VM is for.").Bind(Member(&P::description)),
          Field("vars", T::kStringMap, "Strings for ${name} interpolation.")
              .ConsumedBeforeLowering(),
          Qemu(),
          Field("cmdline", T::kCmdline, "Kernel command line entries.").Bind(Member(&P::cmdline)),
          Field("overlays", T::kOverlays, "Named overlays, applied with --overlay NAME.")
              .ConsumedBeforeLowering(),
          Systemd(),
      });
}

}  // namespace

const Field* Field::Find(std::string_view child) const {
  // Run for every key of every mapping read: comparing the first byte before the rest skips the
  // memcmp call for nearly every row that has the same length but another name.
  for (const Field& field : fields) {
    if (field.name.size() == child.size() && (child.empty() || field.name[0] == child[0]) &&
        field.name == child) {
      return &field;
    }
  }
  return nullptr;
}

std::vector<std::string_view> Field::Names() const {
  std::vector<std::string_view> names;
  for (const Field& field : fields) names.push_back(field.name);
  return names;
}

std::string ItemKey(const Node& item, const Field& list) {
  if (item.tag == NodeTag::kDelete) return item.text;
  if (list.type == FieldType::kCmdline) return item.text.substr(0, item.text.find('='));
  const MappingEntry* key = item.Find(list.key);
  return key != nullptr ? key->value->text : "";
}

const Field& ProfileSchema() {
  static const Field root = Root();
  return root;
}

bool AllowedInOverlay(std::string_view root_key, bool overlay_file) {
  if (root_key == "abstract") return overlay_file;
  return root_key != "extends" && root_key != "overlays";
}

}  // namespace qemuc
