#include "merge.h"

#include <algorithm>
#include <map>

#include "schema.h"

namespace qemuc {
namespace {

std::string Quote(std::string_view text) {
  return "'" + std::string(text) + "'";
}

const Field& StringField() {
  static const Field field("", FieldType::kString, "");
  return field;
}

// The field that describes the value under `key` (or an item) of a value described by `field`.
const Field& ChildField(const Field& field, std::string_view key) {
  switch (field.type) {
    case FieldType::kMapping:
    case FieldType::kKeyedList:  // the items' keys
      if (const Field* child = field.Find(key)) return *child;
      return StringField();
    case FieldType::kOverlays:
      return ProfileSchema();
    default:
      return StringField();
  }
}

bool IsKeyedSequence(const Field& field) {
  return field.type == FieldType::kKeyedList || field.type == FieldType::kCmdline;
}

// The key that identifies an item of a keyed list or cmdline (SPEC §2.3).
std::string ItemKey(const Node& item, const Field& list) {
  if (item.tag == NodeTag::kDelete) return item.text;
  if (list.type == FieldType::kCmdline) return item.text.substr(0, item.text.find('='));
  const MappingEntry* key = item.Find(list.key);
  return key != nullptr ? key->value->text : "";
}

class Merger {
 public:
  explicit Merger(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  // `base` may be nullptr (nothing inherited). Returns nullptr when the value is removed.
  NodePtr Merge(const NodePtr& base, const NodePtr& layer, const Field& field,
                const std::string& path) {
    if (layer->tag == NodeTag::kReset) return nullptr;
    if (base == nullptr || layer->tag == NodeTag::kOverride)
      return MergeContents(nullptr, *layer, field, path);
    if (base->kind != layer->kind) {
      diagnostics_
          .Error(layer->range, Quote(path) + " is " + DescribeKind(*layer) + " here but " +
                                   DescribeKind(*base) + " in an earlier layer")
          .notes.push_back({"the earlier value is at", base->range});
      return base;
    }
    return MergeContents(base.get(), *layer, field, path);
  }

 private:
  NodePtr MergeContents(const Node* base, const Node& layer, const Field& field,
                        const std::string& path) {
    auto merged = std::make_shared<Node>(layer);
    merged->tag = NodeTag::kNone;
    if (layer.is_mapping()) {
      merged->entries = MergeEntries(base, layer, field, path);
    } else if (layer.is_sequence()) {
      merged->items = MergeItems(base, layer, field, path);
    }
    return merged;
  }

  std::vector<MappingEntry> MergeEntries(const Node* base, const Node& layer, const Field& field,
                                         const std::string& path) {
    std::vector<MappingEntry> entries =
        base != nullptr ? base->entries : std::vector<MappingEntry>{};
    for (const MappingEntry& entry : layer.entries) {
      const std::string child_path = path.empty() ? entry.key : path + "." + entry.key;
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const MappingEntry& e) { return e.key == entry.key; });
      const NodePtr inherited = it != entries.end() ? it->value : nullptr;
      NodePtr value = Merge(inherited, entry.value, ChildField(field, entry.key), child_path);
      if (value == nullptr) {
        if (it != entries.end()) entries.erase(it);
      } else if (it != entries.end()) {
        *it = MappingEntry{entry.key, entry.key_range, std::move(value)};
      } else {
        entries.push_back(MappingEntry{entry.key, entry.key_range, std::move(value)});
      }
    }
    return entries;
  }

  std::vector<NodePtr> MergeItems(const Node* base, const Node& layer, const Field& field,
                                  const std::string& path) {
    std::vector<NodePtr> items = base != nullptr ? base->items : std::vector<NodePtr>{};
    if (IsKeyedSequence(field)) return MergeKeyedItems(std::move(items), layer, field, path);
    for (const NodePtr& item : layer.items) {
      const bool repeat = field.type == FieldType::kStringList &&
                          std::any_of(items.begin(), items.end(),
                                      [&](const NodePtr& i) { return i->text == item->text; });
      // extra_args keep repeats (-device may occur many times); other string lists do not.
      if (!repeat) items.push_back(MergeContents(nullptr, *item, ChildField(field, ""), path));
    }
    return items;
  }

  std::vector<NodePtr> MergeKeyedItems(std::vector<NodePtr> items, const Node& layer,
                                       const Field& field, const std::string& path) {
    for (const NodePtr& item : layer.items) {
      const std::string key = ItemKey(*item, field);
      const auto it = std::find_if(items.begin(), items.end(),
                                   [&](const NodePtr& i) { return ItemKey(*i, field) == key; });
      if (item->tag == NodeTag::kDelete) {
        if (it == items.end()) {
          diagnostics_.Error(item->range, "'!delete " + key + "': " + Quote(path) +
                                              " has no inherited item " + Quote(key));
        } else {
          items.erase(it);
        }
        continue;
      }
      const std::string item_path = path + "[" + key + "]";
      const Field& item_field = field.type == FieldType::kKeyedList ? field : StringField();
      NodePtr merged = Merge(it != items.end() ? *it : nullptr, item, item_field, item_path);
      if (it != items.end()) {
        *it = std::move(merged);  // in place: the order of the base is kept
      } else {
        items.push_back(std::move(merged));
      }
    }
    return items;
  }

  Diagnostics& diagnostics_;
};

}  // namespace

NodePtr MergeLayers(const std::vector<NodePtr>& layers, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  Merger merger(diagnostics);
  NodePtr merged;
  for (const NodePtr& layer : layers) merged = merger.Merge(merged, layer, ProfileSchema(), "");
  if (diagnostics.error_count() != errors_before) return nullptr;
  return merged;
}

}  // namespace qemuc
