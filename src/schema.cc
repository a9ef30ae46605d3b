#include "schema.h"

#include "qemu_values.h"

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

Field Port(std::string_view name, std::string_view description) {
  return Field(name, T::kInteger, description).Required().Min(1).Max(65535);
}

Field Forwards() {
  return Field("forwards", T::kKeyedList, "Host port forwards into the guest, keyed by guest port.")
      .KeyedBy("guest")
      .Children({
          Port("guest", "Port in the guest."),
          Port("host", "Port on the host."),
          Field("protocol", T::kEnum, "Transport protocol.").OneOf({"tcp", "udp"}).Default("tcp"),
          Field("host_address", T::kString, "IPv4 address on the host to listen on (default: all).")
              .Pattern(Ipv4()),
      });
}

Field UserNetwork() {
  return Field("user", T::kMapping, "User-mode (slirp) networking.")
      .Children({
          // QEMU takes prefixes 4..32 (qemu_values.h: kMinPrefix, kMaxPrefix) and masks host
          // bits.
          Field("network", T::kString, "IPv4 network in CIDR form, e.g. 10.0.2.0/24.")
              .Pattern(Ipv4() + "/(?:[4-9]|[12][0-9]|3[0-2])"),
          Field("dhcp_start", T::kString, "First address handed out by the built-in DHCP server.")
              .Pattern(Ipv4()),
          Field("dns", T::kString, "Address of the built-in DNS server.").Pattern(Ipv4()),
          Field("host", T::kString, "Address of the host inside the guest network.")
              .Pattern(Ipv4()),
          Forwards(),
      });
}

Field TapNetwork() {
  return Field("tap", T::kMapping, "A host tap interface.")
      .Children({
          // At most 15 bytes (for ASCII names, 15 characters); no '/', ':' or whitespace
          // (Linux), no ',' (it would end QEMU's ifname= value).
          Field("name", T::kString, "Host tap interface name (at most 15 bytes).")
              .Required()
              .Pattern("[^/:,\\x00-\\x20\\x7f]{1,15}"),
      });
}

Field Drives() {
  return Field("drives", T::kKeyedList, "virtio-blk drives, keyed by id.")
      .KeyedBy("id")
      .Children({
          Field("id", T::kString, "QEMU id of the drive.").PatternAsWritten(kQemuId),
          Field("file", T::kPath, "Raw disk image file.").Required(),
          // Slot 01-1f (00 holds the host bridge), function 0-7, in hex.
          Field("addr", T::kString, "PCI address slot[.function], e.g. \"05.0\".")
              .Pattern("(?:0?[1-9A-Fa-f]|1[0-9A-Fa-f])(?:\\.[0-7])?"),
      });
}

Field Networks() {
  return Field("networks", T::kKeyedList, "virtio-net devices, keyed by id; each user or tap.")
      .KeyedBy("id")
      .Children({
          Field("id", T::kString, "QEMU id of the network device.").PatternAsWritten(kQemuId),
          // Unicast (the low bit of the first octet clear), and not all zeros.
          Field("mac", T::kString, "Unicast MAC address xx:xx:xx:xx:xx:xx.")
              .Pattern("(?!(?:00:){5}00$)[0-9A-Fa-f][02468ACEace](?::[0-9A-Fa-f]{2}){5}"),
          UserNetwork(),
          TapNetwork(),
      });
}

Field Qemu() {
  return Field("qemu", T::kMapping, "The virtual machine.")
      .Required()
      .Children({
          Field("binary", T::kPath, "QEMU binary; a bare name is looked up in PATH.")
              .Default("qemu-system-<target>"),
          Field("target", T::kEnum, "Guest architecture.").OneOf({"x86_64", "aarch64"}).Required(),
          Field("cpus", T::kInteger, "Number of virtual CPUs.").Default("1").Min(1).Max(4096),
          Field("memory", T::kMemory,
                "RAM: MiB as an integer, or a string with K/M/G/T; at most 990G.")
              .Required(),
          Field("kvm", T::kBool, "Use KVM acceleration.").Default("false"),
          Field("kernel", T::kPath, "Kernel image.").Required(),
          // The multiboot loader splits initrd on ','; a ',' written here stays after
          // interpolation.
          Field("initrd", T::kPath, "Initial ramdisk image.")
              .PatternAsWritten("[^,\\x00-\\x1f\\x7f]*"),
          Drives(),
          Networks(),
          Field("extra_args", T::kArgs, "Raw QEMU arguments, appended before -append."),
      });
}

Field Systemd() {
  return Field("systemd", T::kMapping, "Settings for --format systemd.")
      .Children({
          Field("description", T::kString,
                "Unit description (default: from name and description)."),
          // systemd's strict user and group names, or numeric ids (systemd_values.h).
          Field("user", T::kString, "User to run QEMU as: a name or numeric id.")
              .Pattern(kUserOrGroup),
          Field("group", T::kString, "Group to run QEMU as: a name or numeric id.")
              .Pattern(kUserOrGroup),
          Field("restart", T::kEnum, "When systemd restarts the VM.")
              .OneOf({"no", "on-failure", "always"})
              .Default("on-failure"),
          // A day at most, like qmp-powerdown's --timeout that stop_timeout becomes.
          Field("restart_sec", T::kInteger, "Seconds before a restart.")
              .Default("5")
              .Min(0)
              .Max(86400),
          Field("after", T::kStringList, "Units to start after."),
          Field("wants", T::kStringList, "Units wanted by this one."),
          Field("wanted_by", T::kString, "Target that installs the unit.")
              .Default("multi-user.target")
              .Pattern(kUnitName),
          Field("graceful_stop", T::kBool, "Stop with QMP system_powerdown, then wait.")
              .Default("false"),
          Field("stop_timeout", T::kInteger, "Seconds to wait for the VM to stop.")
              .Default("90")
              .Min(1)
              .Max(86400),
          Field("hardening", T::kBool, "Sandboxing directives QEMU tolerates.").Default("true"),
      });
}

Field Root() {
  return Field("", T::kMapping, "A qemuc profile.")
      .Children({
          Field("extends", T::kExtends, "Parent profile(s), relative to this file."),
          Field("abstract", T::kBool,
                "A base or overlay, not compilable on its own; not inherited.")
              .Default("false"),
          Field("name", T::kString, "Profile name.")
              .Default("the file name without extension")
              .Pattern(std::string(kProfileNamePattern)),
          Field("description", T::kString, "What this VM is for."),
          Field("vars", T::kStringMap, "Strings for ${name} interpolation."),
          Qemu(),
          Field("cmdline", T::kCmdline, "Kernel command line entries."),
          Field("overlays", T::kOverlays, "Named overlays, applied with --overlay NAME."),
          Systemd(),
      });
}

}  // namespace

const Field* Field::Find(std::string_view child) const {
  for (const Field& field : fields) {
    if (field.name == child) return &field;
  }
  return nullptr;
}

std::vector<std::string_view> Field::Names() const {
  std::vector<std::string_view> names;
  for (const Field& field : fields) names.push_back(field.name);
  return names;
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
