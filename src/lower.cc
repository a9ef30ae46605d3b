#include "lower.h"

#include "paths.h"
#include "shape_check.h"

namespace qemuc {
namespace {

std::string Quote(std::string_view text) {
  return "'" + std::string(text) + "'";
}

const Node* Child(const Node* mapping, std::string_view key) {
  if (mapping == nullptr) return nullptr;
  const MappingEntry* entry = mapping->Find(key);
  return entry != nullptr ? entry->value.get() : nullptr;
}

std::string TextOf(const Node* scalar) {
  return scalar != nullptr ? scalar->text : "";
}

// Relative paths are relative to the file that wrote the value (SPEC §2.2).
std::string ResolvedPath(const Node& value) {
  return ResolveAgainst(DirectoryOf(value.range.file->path()), value.text);
}

class Lowerer {
 public:
  Lowerer(const Node& root, const SourceFile& profile_file, Diagnostics& diagnostics)
      : root_(root), profile_file_(profile_file), diagnostics_(diagnostics) {}

  std::optional<LoweredProfile> Lower() {
    const size_t errors_before = diagnostics_.error_count();
    if (const Node* abstract = Child(&root_, "abstract"); abstract && ReadBool(*abstract) == true) {
      diagnostics_
          .Error(abstract->range,
                 "this profile is abstract (a base or overlay) and cannot be compiled")
          .notes.push_back({"compile a profile that extends it", {}});
      return std::nullopt;
    }
    const Node* name = Child(&root_, "name");
    out_.name = name != nullptr ? name->text : Stem(profile_file_.display_path());
    out_.description = TextOf(Child(&root_, "description"));
    LowerQemu(Child(&root_, "qemu"));
    if (const Node* cmdline = Child(&root_, "cmdline")) {
      for (const NodePtr& item : cmdline->items) out_.cmdline.push_back(item->text);
    }
    if (diagnostics_.error_count() != errors_before) return std::nullopt;
    return std::move(out_);
  }

 private:
  // A required key that is missing: reported at the mapping that should hold it.
  const Node* Required(const Node* mapping, std::string_view key, const std::string& path) {
    const Node* value = Child(mapping, key);
    if (value == nullptr) {
      const SourceRange at = mapping != nullptr ? mapping->range : root_.range;
      diagnostics_.Error(at, "missing required key " + Quote(path));
    }
    return value;
  }

  void LowerQemu(const Node* qemu) {
    Config& config = out_.config;
    const Node* target = Required(qemu, "target", "qemu.target");
    const Node* memory = Required(qemu, "memory", "qemu.memory");
    const Node* kernel = Required(qemu, "kernel", "qemu.kernel");
    if (target != nullptr)
      config.target = target->text == "aarch64" ? Target::kAArch64 : Target::kX86_64;
    if (memory != nullptr) config.memory_mib = ReadMemory(*memory).mib;
    if (kernel != nullptr) config.kernel = UsePath(*kernel, "kernel");
    LowerBinary(Child(qemu, "binary"), target);
    if (const Node* cpus = Child(qemu, "cpus"))
      config.cpus = static_cast<int>(ReadInteger(*cpus).value_or(1));
    if (const Node* kvm = Child(qemu, "kvm")) config.kvm = ReadBool(*kvm).value_or(false);
    if (const Node* initrd = Child(qemu, "initrd")) config.initrd = UsePath(*initrd, "initrd");
    if (const Node* drives = Child(qemu, "drives")) {
      for (const NodePtr& item : drives->items) LowerDrive(*item);
    }
    if (const Node* networks = Child(qemu, "networks")) {
      for (const NodePtr& item : networks->items) LowerNetwork(*item);
    }
    if (const Node* extra = Child(qemu, "extra_args")) {
      for (const NodePtr& item : extra->items) config.extra_args.push_back(item->text);
    }
  }

  void LowerBinary(const Node* binary, const Node* target) {
    if (binary == nullptr) {
      out_.config.binary =
          std::string("qemu-system-") + (target != nullptr ? target->text : "x86_64");
      out_.binary_is_bare = true;
      out_.binary_range = target != nullptr ? target->range : root_.range;
      return;
    }
    out_.binary_range = binary->range;
    out_.binary_is_bare = binary->text.find('/') == std::string::npos;
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
    const std::string path = "qemu.drives[" + drive.id + "].file";
    if (const Node* file = Required(&item, "file", path))
      drive.file = UsePath(*file, "drive " + Quote(drive.id));
    drive.addr = TextOf(Child(&item, "addr"));
    out_.config.drives.push_back(std::move(drive));
  }

  void LowerNetwork(const Node& item) {
    Network network;
    network.id = TextOf(Child(&item, "id"));
    network.mac = TextOf(Child(&item, "mac"));
    const Node* user = Child(&item, "user");
    const Node* tap = Child(&item, "tap");
    if ((user != nullptr) == (tap != nullptr)) {
      diagnostics_.Error(item.range, "network " + Quote(network.id) +
                                         (user ? " sets both 'user' and 'tap'; choose one"
                                               : " needs 'user' or 'tap'"));
      return;
    }
    if (tap != nullptr) {
      const Node* name = Required(tap, "name", "qemu.networks[" + network.id + "].tap.name");
      network.tap = TapNetwork{TextOf(name)};
    } else {
      network.user = LowerUserNetwork(*user, network.id);
    }
    out_.config.networks.push_back(std::move(network));
  }

  UserNetwork LowerUserNetwork(const Node& user, const std::string& id) {
    UserNetwork lowered;
    lowered.network = TextOf(Child(&user, "network"));
    lowered.dhcp_start = TextOf(Child(&user, "dhcp_start"));
    lowered.dns = TextOf(Child(&user, "dns"));
    lowered.host = TextOf(Child(&user, "host"));
    const Node* forwards = Child(&user, "forwards");
    for (const NodePtr& item : forwards != nullptr ? forwards->items : std::vector<NodePtr>{}) {
      Forward forward;
      forward.guest_port = static_cast<int>(ReadInteger(*Child(item.get(), "guest")).value_or(0));
      const std::string path = "qemu.networks[" + id + "].user.forwards[" +
                               std::to_string(forward.guest_port) + "].host";
      if (const Node* host = Required(item.get(), "host", path)) {
        forward.host_port = static_cast<int>(ReadInteger(*host).value_or(0));
      }
      if (const Node* protocol = Child(item.get(), "protocol")) forward.protocol = protocol->text;
      forward.host_address = TextOf(Child(item.get(), "host_address"));
      lowered.forwards.push_back(std::move(forward));
    }
    return lowered;
  }

  const Node& root_;
  const SourceFile& profile_file_;
  Diagnostics& diagnostics_;
  LoweredProfile out_;
};

}  // namespace

std::optional<LoweredProfile> LowerProfile(const Node& merged, const SourceFile& profile_file,
                                           Diagnostics& diagnostics) {
  const size_t first = diagnostics.size();
  std::optional<LoweredProfile> lowered = Lowerer(merged, profile_file, diagnostics).Lower();
  diagnostics.SortSince(first);
  return lowered;
}

}  // namespace qemuc
