#include "lower.h"

#include <algorithm>

#include "paths.h"
#include "shape_check.h"
#include "text.h"

namespace qemuc {
namespace {

const Node* Child(const Node* mapping, std::string_view key) {
  if (mapping == nullptr) return nullptr;
  const MappingEntry* entry = mapping->Find(key);
  return entry != nullptr ? entry->value.get() : nullptr;
}

std::string TextOf(const Node* scalar) {
  return scalar != nullptr ? scalar->text : "";
}

// Reads a profile that passed validation, so every required value is there; defaults are the
// seed's (and the field table's documented ones).
class Lowerer {
 public:
  Lowerer(const Node& root, const SourceFile& profile_file)
      : root_(root), profile_file_(profile_file) {}

  LoweredProfile Lower() {
    out_.name = ProfileName(root_, profile_file_);
    out_.description = TextOf(Child(&root_, "description"));
    LowerQemu(Child(&root_, "qemu"));
    if (const Node* cmdline = Child(&root_, "cmdline")) {
      for (const NodePtr& item : cmdline->items) out_.cmdline.push_back(item->text);
    }
    LowerUnit(Child(&root_, "systemd"));
    return std::move(out_);
  }

 private:
  void LowerQemu(const Node* qemu) {
    Config& config = out_.config;
    const Node* target = Child(qemu, "target");
    config.target = TextOf(target) == "aarch64" ? Target::kAArch64 : Target::kX86_64;
    if (const Node* memory = Child(qemu, "memory")) config.memory_mib = ReadMemory(*memory).mib;
    if (const Node* kernel = Child(qemu, "kernel")) config.kernel = UsePath(*kernel, "kernel");
    LowerBinary(Child(qemu, "binary"), target);
    if (const Node* cpus = Child(qemu, "cpus")) {
      config.cpus = static_cast<int>(ReadInteger(*cpus).value_or(config.cpus));  // at most 4096
    }
    if (const Node* kvm = Child(qemu, "kvm")) config.kvm = ReadBool(*kvm).value_or(config.kvm);
    if (const Node* initrd = Child(qemu, "initrd")) config.initrd = UsePath(*initrd, "initrd");
    for (const Node* drive : Items(Child(qemu, "drives"))) LowerDrive(*drive);
    for (const Node* network : Items(Child(qemu, "networks"))) LowerNetwork(*network);
    for (const Node* arg : Items(Child(qemu, "extra_args"))) config.extra_args.push_back(arg->text);
  }

  void LowerUnit(const Node* systemd) {
    UnitSettings& unit = out_.unit;
    const Node* description = Child(systemd, "description");
    const std::string suffix = out_.description.empty() ? "" : ": " + out_.description;
    unit.description = description != nullptr ? description->text : "QEMU VM " + out_.name + suffix;
    unit.user = TextOf(Child(systemd, "user"));
    unit.group = TextOf(Child(systemd, "group"));
    if (const Node* restart = Child(systemd, "restart")) unit.restart = restart->text;
    if (const Node* seconds = Child(systemd, "restart_sec"))
      unit.restart_sec = ReadInteger(*seconds).value_or(unit.restart_sec);
    if (const Node* seconds = Child(systemd, "stop_timeout"))
      unit.stop_timeout = ReadInteger(*seconds).value_or(unit.stop_timeout);
    for (const Node* item : Items(Child(systemd, "after"))) unit.after.push_back(item->text);
    for (const Node* item : Items(Child(systemd, "wants"))) unit.wants.push_back(item->text);
    if (const Node* target = Child(systemd, "wanted_by")) unit.wanted_by = target->text;
    if (const Node* hardening = Child(systemd, "hardening"))
      unit.hardening = ReadBool(*hardening).value_or(unit.hardening);
    if (const Node* graceful = Child(systemd, "graceful_stop"))
      unit.graceful_stop = ReadBool(*graceful).value_or(unit.graceful_stop);
    unit.kvm = out_.config.kvm;
    for (const Network& network : out_.config.networks)
      unit.tap = unit.tap || network.tap.has_value();
    for (const Drive& drive : out_.config.drives) {
      const std::string directory = DirectoryOf(drive.file);
      if (std::find(unit.writable_directories.begin(), unit.writable_directories.end(),
                    directory) == unit.writable_directories.end()) {
        unit.writable_directories.push_back(directory);
      }
    }
  }

  void LowerBinary(const Node* binary, const Node* target) {
    if (binary == nullptr) {
      out_.config.binary = "qemu-system-" + (target != nullptr ? target->text : "x86_64");
      out_.binary_is_bare = true;
      out_.binary_range = target != nullptr ? target->range : root_.range;
      return;
    }
    out_.binary_range = binary->range;
    out_.binary_is_bare = IsBareName(binary->text);
    out_.config.binary = out_.binary_is_bare ? binary->text : ResolvedPath(*binary);
  }

  std::string UsePath(const Node& value, std::string role) {
    std::string path = ResolvedPath(value);
    out_.files.push_back({std::move(role), path, value.range});
    return path;
  }

  void LowerDrive(const Node& item) {
    Drive drive;
    drive.id = TextOf(Child(&item, "id"));
    if (const Node* file = Child(&item, "file"))
      drive.file = UsePath(*file, "drive " + Quoted(drive.id));
    drive.addr = TextOf(Child(&item, "addr"));
    out_.config.drives.push_back(std::move(drive));
  }

  void LowerNetwork(const Node& item) {
    Network network;
    network.id = TextOf(Child(&item, "id"));
    network.mac = TextOf(Child(&item, "mac"));
    if (const Node* tap = Child(&item, "tap")) {
      network.tap = TapNetwork{TextOf(Child(tap, "name"))};
    } else if (const Node* user = Child(&item, "user")) {
      network.user = LowerUserNetwork(*user);
    }
    out_.config.networks.push_back(std::move(network));
  }

  static int PortOf(const Node* port) {
    return port != nullptr ? static_cast<int>(ReadInteger(*port).value_or(0)) : 0;
  }

  static UserNetwork LowerUserNetwork(const Node& user) {
    UserNetwork lowered;
    lowered.network = TextOf(Child(&user, "network"));
    lowered.dhcp_start = TextOf(Child(&user, "dhcp_start"));
    lowered.dns = TextOf(Child(&user, "dns"));
    lowered.host = TextOf(Child(&user, "host"));
    for (const Node* item : Items(Child(&user, "forwards"))) {
      Forward forward;
      forward.guest_port = PortOf(Child(item, "guest"));
      forward.host_port = PortOf(Child(item, "host"));
      if (const Node* protocol = Child(item, "protocol")) forward.protocol = protocol->text;
      forward.host_address = TextOf(Child(item, "host_address"));
      lowered.forwards.push_back(std::move(forward));
    }
    return lowered;
  }

  const Node& root_;
  const SourceFile& profile_file_;
  LoweredProfile out_;
};

}  // namespace

std::string ProfileName(const Node& merged, const SourceFile& profile_file) {
  const Node* name = Child(&merged, "name");
  return name != nullptr ? name->text : Stem(profile_file.display_path());
}

LoweredProfile LowerProfile(const Node& merged, const SourceFile& profile_file) {
  return Lowerer(merged, profile_file).Lower();
}

}  // namespace qemuc
