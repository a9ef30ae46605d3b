#include "lower.h"

#include <algorithm>

#include "binding.h"
#include "paths.h"
#include "schema.h"
#include "table_walk.h"

namespace qemuc {
namespace {

const Node* Child(const Node* mapping, std::string_view key) {
  if (mapping == nullptr) return nullptr;
  const MappingEntry* entry = mapping->Find(key);
  return entry != nullptr ? entry->value.get() : nullptr;
}

// The value a row's literal default stands for, as if it were written.
Node DefaultValue(const Field& row) {
  Node value;
  value.text = std::string(row.default_value);
  return value;
}

// Stores every row's value, or its literal default, where its binding says (binding.h).
class Lowerer : public RowVisitor {
 public:
  explicit Lowerer(LoweredProfile& out) : context_{out} {}

  bool BeginMapping(const Field& row, const Node* mapping, const KeyPath&) override {
    if (places_.empty()) {
      places_.emplace_back(context_.out);  // the root
      return true;
    }
    const Place place =
        row.binding != nullptr ? row.binding->Open(places_.back(), mapping != nullptr) : Place();
    if (!place) return false;
    places_.push_back(place);
    return true;
  }

  void EndMapping(const Field&, const Node*, const KeyPath&) override { places_.pop_back(); }

  void Value(const Field& row, const Node* value, const KeyPath& path) override {
    if (row.binding == nullptr) return;
    if (value != nullptr) {
      row.binding->Store(places_.back(), *value, path, context_);
    } else if (!row.default_value.empty() && !row.default_derived) {
      row.binding->Store(places_.back(), DefaultValue(row), path, context_);
    }
  }

 private:
  LowerContext context_;
  std::vector<Place> places_;  // where the rows of the mappings being visited go, innermost last
};

// --- What the table's derived defaults say --------------------------------------------------

// qemu.binary: by default QEMU's own name for the target, looked up in PATH.
void DeriveBinary(const Node& merged, LoweredProfile& out) {
  if (!out.config.binary.empty()) return;
  const Node* target = Child(Child(&merged, "qemu"), "target");
  out.config.binary = "qemu-system-" + (target != nullptr ? target->text : "x86_64");
  out.binary_is_bare = true;
  out.binary_range = target != nullptr ? target->range : merged.range;
}

void AddOnce(const std::string& directory, std::vector<std::string>& directories) {
  if (std::find(directories.begin(), directories.end(), directory) == directories.end())
    directories.push_back(directory);
}

// ProtectSystem=strict makes the file system read-only but for these: where QEMU writes a drive
// (not a read-only or snapshot one: QEMU opens their files read-only, and a snapshot's writes go
// to a temporary file, in the unit's private /var/tmp), the UEFI variables, the serial log and
// the QMP socket, and a share the guest may write to. Each once, in that order.
std::vector<std::string> WritableDirectories(const Config& config) {
  std::vector<std::string> directories;
  for (const Drive& drive : config.drives) {
    if (!drive.readonly && !drive.snapshot) AddOnce(DirectoryOf(drive.file), directories);
  }
  if (config.firmware.uefi) AddOnce(DirectoryOf(config.firmware.uefi->vars), directories);
  if (!config.serial_log.empty()) AddOnce(DirectoryOf(config.serial_log), directories);
  if (!config.qmp.empty()) AddOnce(DirectoryOf(config.qmp), directories);
  for (const Share& share : config.shares) {
    if (!share.readonly) AddOnce(share.path, directories);
  }
  return directories;
}

// What the unit says beyond its own keys: its description, and what the VM's devices need.
void DeriveUnit(const Node& merged, LoweredProfile& out) {
  UnitSettings& unit = out.unit;
  if (Child(Child(&merged, "systemd"), "description") == nullptr) {
    const std::string suffix = out.description.empty() ? "" : ": " + out.description;
    unit.description = "QEMU VM " + out.name + suffix;
  }
  unit.kvm = out.config.kvm;
  for (const Network& network : out.config.networks) unit.tap = unit.tap || network.tap.has_value();
  unit.writable_directories = WritableDirectories(out.config);
}

}  // namespace

std::string ProfileName(const Node& merged, const SourceFile& profile_file) {
  const Node* name = Child(&merged, "name");
  return name != nullptr ? name->text : Stem(profile_file.display_path());
}

UnitSettings DefaultUnitSettings() {
  LoweredProfile out;
  Lowerer lowerer(out);
  Node empty;
  empty.kind = NodeKind::kMapping;
  WalkRows(empty, ProfileSchema(), lowerer);
  return out.unit;
}

LoweredProfile LowerProfile(const Node& merged, const SourceFile& profile_file) {
  LoweredProfile out;
  Lowerer lowerer(out);
  WalkRows(merged, ProfileSchema(), lowerer);
  out.name = ProfileName(merged, profile_file);
  DeriveBinary(merged, out);
  DeriveUnit(merged, out);
  return out;
}

}  // namespace qemuc
