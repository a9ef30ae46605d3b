#include "table_walk.h"

namespace qemuc {
namespace {

class RowWalker {
 public:
  explicit RowWalker(RowVisitor& visitor) : visitor_(visitor) {}

  void Mapping(const Field& row, const Node* mapping, const KeyPath& path) {
    if (!visitor_.BeginMapping(row, mapping, path)) return;
    for (const Field& child : row.fields) {
      const MappingEntry* entry = mapping != nullptr ? mapping->Find(child.name) : nullptr;
      Row(child, entry != nullptr ? entry->value.get() : nullptr, path.Child(child.name));
    }
    visitor_.EndMapping(row, mapping, path);
  }

 private:
  void Row(const Field& row, const Node* value, const KeyPath& path) {
    switch (row.type) {
      case FieldType::kMapping:
        if (value == nullptr || value->is_mapping()) Mapping(row, value, path);
        return;
      case FieldType::kKeyedList:
        if (value == nullptr) return visitor_.Value(row, nullptr, path);
        for (const NodePtr& item : value->items) {
          if (!item->is_mapping()) continue;
          const MappingEntry* key = item->Find(row.key);
          Mapping(row, item.get(), path.Item(key != nullptr ? key->value->text : ""));
        }
        return;
      default:
        visitor_.Value(row, value, path);
        return;
    }
  }

  RowVisitor& visitor_;
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
  RowWalker(visitor).Mapping(table, &root, KeyPath());
}

}  // namespace qemuc
