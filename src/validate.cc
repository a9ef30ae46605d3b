#include "validate.h"

#include <map>

#include "schema.h"
#include "text.h"

namespace qemuc {
namespace {

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

class Validator {
 public:
  Validator(bool check_completeness, Diagnostics& diagnostics)
      : check_completeness_(check_completeness), diagnostics_(diagnostics) {}

  void CheckMapping(const Node& mapping, const Field& field, const std::string& path) {
    for (const Field& child : field.fields) {
      const MappingEntry* entry = mapping.Find(child.name);
      const std::string child_path = Join(path, child.name);
      if (entry == nullptr) {
        if (check_completeness_) ReportMissing(child, child_path, mapping.range);
      } else if (child.type == FieldType::kMapping) {
        CheckMapping(*entry->value, child, child_path);
      } else if (child.type == FieldType::kKeyedList) {
        CheckItems(*entry->value, child, child_path);
      }
    }
  }

 private:
  // A required key that is missing, reported at the mapping that should hold it. A required
  // mapping that is missing (qemu) misses each of its required keys, which says more.
  void ReportMissing(const Field& field, const std::string& path, const SourceRange& at) {
    if (!field.required) return;
    if (field.type != FieldType::kMapping) {
      diagnostics_.Error(at, "missing required key " + Quoted(path));
      return;
    }
    for (const Field& child : field.fields) ReportMissing(child, Join(path, child.name), at);
  }

  void CheckItems(const Node& list, const Field& field, const std::string& path) {
    for (const NodePtr& item : list.items) {
      const MappingEntry* key = item->Find(field.key);
      const std::string item_key = key != nullptr ? key->value->text : "";
      if (field.name == "networks") CheckBackend(*item, item_key);
      if (field.name == "drives") CheckUnique(*item, "addr", "PCI address", pci_addresses_);
      if (field.name == "forwards") CheckUnique(*item, "host", "host port", host_ports_);
      CheckMapping(*item, field, path + "[" + item_key + "]");
    }
  }

  // SPEC §3: PCI addresses and host ports are unique across the whole profile, whichever
  // layers they come from; the later one is the error, with a note at the first.
  void CheckUnique(const Node& item, const char* key, const std::string& what,
                   std::map<std::string, SourceRange>& seen) {
    const MappingEntry* entry = item.Find(key);
    if (entry == nullptr) return;
    const auto [first, added] = seen.emplace(entry->value->text, entry->value->range);
    if (!added) {
      diagnostics_.Error(entry->value->range, "duplicate " + what + " " + entry->value->text)
          .notes.push_back({"first used at", first->second});
    }
  }

  // SPEC §3: a network is either user-mode or tap, never both, never neither.
  void CheckBackend(const Node& network, const std::string& id) {
    const bool user = network.Find("user") != nullptr;
    const bool tap = network.Find("tap") != nullptr;
    if (user && tap) {
      diagnostics_.Error(network.range,
                         "network " + Quoted(id) + " sets both 'user' and 'tap'; choose one");
    } else if (!user && !tap && check_completeness_) {
      diagnostics_.Error(network.range, "network " + Quoted(id) + " needs 'user' or 'tap'");
    }
  }

  bool check_completeness_;
  Diagnostics& diagnostics_;
  std::map<std::string, SourceRange> pci_addresses_;
  std::map<std::string, SourceRange> host_ports_;
};

}  // namespace

bool ValidateMerged(const Node& merged, bool check_completeness, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  const size_t first = diagnostics.size();
  Validator(check_completeness, diagnostics).CheckMapping(merged, ProfileSchema(), "");
  diagnostics.SortSince(first);
  return diagnostics.error_count() == errors_before;
}

}  // namespace qemuc
