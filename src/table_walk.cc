#include "table_walk.h"

namespace qemuc {
namespace {

// The walk extends one path in place: a copy of the path for every row of the table, written
// or not, was a tenth of validating a board.
class RowWalker {
 public:
  explicit RowWalker(RowVisitor& visitor) : visitor_(visitor) {}

  void Mapping(const Field& row, const Node* mapping) {
    if (!visitor_.BeginMapping(row, mapping, path_)) return;
    for (const Field& child : row.fields) {
      const MappingEntry* entry = mapping != nullptr ? mapping->Find(child.name) : nullptr;
      if (entry == nullptr && !visitor_.VisitsMissing(child)) continue;
      const ScopedStep step(path_, ScopedStep::kChild, child.name);
      Row(child, entry != nullptr ? entry->value.get() : nullptr);
    }
    visitor_.EndMapping(row, mapping, path_);
  }

 private:
  void Row(const Field& row, const Node* value) {
    switch (row.type) {
      case FieldType::kMapping:
        if (value == nullptr || value->is_mapping()) Mapping(row, value);
        return;
      case FieldType::kKeyedList:
        if (value == nullptr) return visitor_.Value(row, nullptr, path_);
        for (const NodePtr& item : value->items) {
          if (!item->is_mapping()) continue;
          const MappingEntry* key = item->Find(row.key);
          const ScopedStep step(path_, ScopedStep::kItem,
                                key != nullptr ? key->value->text : std::string_view());
          Mapping(row, item.get());
        }
        return;
      default:
        visitor_.Value(row, value, path_);
        return;
    }
  }

  RowVisitor& visitor_;
  KeyPath path_;
};

void ForEachRowBelow(
    const Field& mapping, const KeyPath& path,
    const std::function<void(const Field& row, const KeyPath& path, const Field& parent)>& visit) {
  const KeyPath items = mapping.type == FieldType::kKeyedList ? path.Item("") : path;
  for (const Field& row : mapping.fields) {
    const KeyPath row_path = items.Child(row.name);
    visit(row, row_path, mapping);
    ForEachRowBelow(row, row_path, visit);
  }
}

}  // namespace

void ForEachRow(
    const Field& table,
    const std::function<void(const Field& row, const KeyPath& path, const Field& parent)>& visit) {
  ForEachRowBelow(table, KeyPath(), visit);
}

void WalkRows(const Node& root, const Field& table, RowVisitor& visitor) {
  RowWalker(visitor).Mapping(table, &root);
}

}  // namespace qemuc
