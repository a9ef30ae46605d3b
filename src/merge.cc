#include "merge.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "schema.h"
#include "text.h"

namespace qemuc {
namespace {

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
    default:
      return StringField();
  }
}

bool IsKeyedSequence(const Field& field) {
  return field.type == FieldType::kKeyedList || field.type == FieldType::kCmdline;
}

// An ordered collection with lookup by key, so that merging a layer is linear in its size:
// Put replaces in place or appends, Erase leaves a hole that Take skips.
template <typename T>
class OrderedIndex {
 public:
  T* Find(const std::string& key) {
    const auto it = index_.find(key);
    return it != index_.end() ? &*slots_[it->second] : nullptr;
  }
  void Put(const std::string& key, T value) {
    const auto [it, added] = index_.emplace(key, slots_.size());
    if (added) {
      slots_.emplace_back(std::move(value));
    } else {
      slots_[it->second] = std::move(value);
    }
  }
  bool Erase(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    slots_[it->second].reset();
    index_.erase(it);
    return true;
  }
  std::vector<T> Take() && {
    std::vector<T> values;
    values.reserve(index_.size());
    for (std::optional<T>& slot : slots_) {
      if (slot) values.push_back(std::move(*slot));
    }
    return values;
  }

 private:
  std::vector<std::optional<T>> slots_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

std::string MergeKey(const Node& item, const Field& list) {
  if (item.tag == NodeTag::kDelete) return item.text;
  if (list.type == FieldType::kCmdline) return item.text.substr(0, item.text.find('='));
  const MappingEntry* key = item.Find(list.key);
  return key != nullptr ? key->value->text : "";
}

namespace {

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
      // A guard only: the shape check refuses a value of another kind before merging.
      diagnostics_
          .Error(layer->range, Quoted(path) + " is " + DescribeKind(*layer) + " here but " +
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
    OrderedIndex<MappingEntry> entries;
    if (base != nullptr) {
      for (const MappingEntry& entry : base->entries) entries.Put(entry.key, entry);
    }
    for (const MappingEntry& entry : layer.entries) {
      const std::string child_path = JoinKeyPath(path, entry.key);
      const MappingEntry* inherited = entries.Find(entry.key);
      // Overlays are merged by name, but each body stays as written, its directives included,
      // until it is applied as a layer of its own; a later definition of a name replaces it.
      NodePtr value = field.type == FieldType::kOverlays
                          ? (entry.value->tag == NodeTag::kReset ? nullptr : entry.value)
                          : Merge(inherited != nullptr ? inherited->value : nullptr, entry.value,
                                  ChildField(field, entry.key), child_path);
      if (value == nullptr) {
        entries.Erase(entry.key);
      } else {
        entries.Put(entry.key, MappingEntry{entry.key, entry.key_range, std::move(value)});
      }
    }
    return std::move(entries).Take();
  }

  std::vector<NodePtr> MergeItems(const Node* base, const Node& layer, const Field& field,
                                  const std::string& path) {
    if (IsKeyedSequence(field)) return MergeKeyedItems(base, layer, field, path);
    std::vector<NodePtr> items = base != nullptr ? base->items : std::vector<NodePtr>{};
    // extra_args keep repeats (-device may occur many times); other string lists do not.
    const bool unique = field.type == FieldType::kStringList;
    std::unordered_set<std::string> seen;
    if (unique) {
      for (const NodePtr& item : items) seen.insert(item->text);
    }
    for (const NodePtr& item : layer.items) {
      if (unique && !seen.insert(item->text).second) continue;
      items.push_back(MergeContents(nullptr, *item, ChildField(field, ""), path));
    }
    return items;
  }

  std::vector<NodePtr> MergeKeyedItems(const Node* base, const Node& layer, const Field& field,
                                       const std::string& path) {
    OrderedIndex<NodePtr> items;
    if (base != nullptr) {
      for (const NodePtr& item : base->items) items.Put(MergeKey(*item, field), item);
    }
    const Field& item_field = field.type == FieldType::kKeyedList ? field : StringField();
    for (const NodePtr& item : layer.items) {
      const std::string key = MergeKey(*item, field);
      if (item->tag == NodeTag::kDelete) {
        if (!items.Erase(key)) {
          diagnostics_.Error(item->range, "'!delete " + key + "': " + Quoted(path) +
                                              " has no inherited item " + Quoted(key));
        }
        continue;
      }
      const NodePtr* inherited = items.Find(key);
      // In place when the key is there, so the order of the base is kept.
      items.Put(key, Merge(inherited != nullptr ? *inherited : nullptr, item, item_field,
                           path + "[" + key + "]"));
    }
    return std::move(items).Take();
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
