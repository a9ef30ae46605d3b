#include "merge.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "by_node.h"
#include "key_path.h"
#include "path_steps.h"
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

}  // namespace

namespace {

// The merged cmdline while layers are applied (SPEC §2.3). Entries live in slots, in order; a
// slot holds entries of one key, and a key may own several slots (one layer may write a key
// apart: `console=a x=1 console=b`). A later layer's entries with key K replace all inherited K
// entries at the place of the first, so they go into that key's first slot and its other slots
// are emptied: each layer costs its own size plus the inherited entries it removes, never a
// copy of the whole list. Flatten gives the list once all layers are applied.
class CmdlineGroups {
 public:
  // Starts a layer: what its keys had before it counts as inherited.
  void BeginLayer() { ++layer_; }

  void Add(const std::string& key, NodePtr entry) {
    Key& group = Touch(key);
    if (group.in_place) {
      slots_[group.slots.front()].push_back(std::move(entry));
    } else {
      group.slots.push_back(slots_.size());
      slots_.push_back({std::move(entry)});
    }
  }

  // Removes the inherited entries with `key` that this layer has not replaced already; its own
  // entries stay. Returns false when the layer inherited no entry with that key.
  bool Delete(const std::string& key) {
    const auto found = keys_.find(key);
    if (found == keys_.end()) return false;
    const bool first_touch = found->second.layer != layer_;
    Key& group = Touch(key);
    if (!group.inherited) return false;
    if (first_touch) {  // Touch emptied them all; the layer's own entries are yet to come
      group.slots.clear();
      group.in_place = false;
    }
    return true;
  }

  std::vector<NodePtr> Flatten() const {
    std::vector<NodePtr> entries;
    for (const std::vector<NodePtr>& slot : slots_) {
      entries.insert(entries.end(), slot.begin(), slot.end());
    }
    return entries;
  }

 private:
  struct Key {
    std::vector<size_t> slots;  // the slots holding entries with this key, in order
    size_t layer = 0;           // the last layer that wrote the key
    bool inherited = false;     // the key had entries before that layer
    bool in_place = false;      // that layer's entries go into slots.front()
  };

  // The key's state for the current layer; at the layer's first touch of an inherited key, its
  // entries are dropped but for the first slot, which the layer's entries will fill.
  Key& Touch(const std::string& key) {
    Key& group = keys_[key];
    if (group.layer == layer_) return group;
    group.layer = layer_;
    group.inherited = !group.slots.empty();
    group.in_place = group.inherited;
    if (group.inherited) {
      for (size_t i = 1; i < group.slots.size(); ++i) Empty(group.slots[i]);
      group.slots.resize(1);
      Empty(group.slots.front());
    }
    return group;
  }

  void Empty(size_t slot) { std::vector<NodePtr>().swap(slots_[slot]); }

  std::vector<std::vector<NodePtr>> slots_;
  std::unordered_map<std::string, Key> keys_;
  size_t layer_ = 0;
};

// Builds the merged tree in place, one layer after the other. A merged mapping or list is either
// an earlier layer's own node, shared as long as no later layer writes into it, or a node the
// merger made and still owns, with an index of its entries or items by key, so that applying a
// layer costs the size of that layer, not of everything inherited: 8,000 --set layers that each
// add a variable took 10 s when each merge copied and re-indexed the mapping. A removed entry or
// item leaves a hole (a null value) until Finish.
class Merger {
 public:
  explicit Merger(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  // `base` may be nullptr (nothing inherited). Returns nullptr when the value is removed.
  NodePtr Merge(const NodePtr& base, const NodePtr& layer, const Field& field, PathSteps& path) {
    if (layer->tag == NodeTag::kReset) return nullptr;
    if (base == nullptr || layer->tag == NodeTag::kOverride) return Fresh(layer, field, path);
    if (base->kind != layer->kind) {
      // A guard only: the shape check refuses a value of another kind before merging.
      diagnostics_
          .Error(layer->range, Quoted(path.Text()) + " is " + DescribeKind(*layer) + " here but " +
                                   DescribeKind(*base) + " in an earlier layer")
          .notes.push_back({"the earlier value is at", base->range});
      return base;
    }
    if (layer->is_scalar()) return Fresh(layer, field, path);  // it replaces what was there
    // A collection the merged tree still shares with an earlier layer is copied, one level, the
    // first time a later layer writes into it: the earlier layer's tree stays as it was parsed.
    NodePtr merged = base;
    Built* owned = owned_.Find(base.get());
    if (owned == nullptr) {
      merged = Copy(*base, field, path);
      owned = owned_.Find(merged.get());
    }
    CopyHeader(*layer, *owned->node);
    MergeInto(*owned, *layer, field, path);
    return merged;
  }

  // Closes the holes left by removed entries and items, and lays out every cmdline.
  void Finish() {
    for (Built& built : owned_.values()) {
      if (built.cmdline != nullptr) built.node->items = built.cmdline->Flatten();
      if (built.holes == 0) continue;
      auto& entries = built.node->entries;
      entries.erase(
          std::remove_if(entries.begin(), entries.end(),
                         [](const MappingEntry& entry) { return entry.value == nullptr; }),
          entries.end());
      auto& items = built.node->items;
      items.erase(std::remove(items.begin(), items.end(), nullptr), items.end());
      built.holes = 0;
    }
  }

 private:
  // A mapping or list the merger made, and its index.
  struct Built {
    // Held so that a node replaced later (by !override, say) is not freed and its address
    // reused by a new node while this index still names it.
    std::shared_ptr<Node> node;
    // Made when first needed: most merged collections are small mappings, for which an empty
    // hash map and set were most of the cost of making and freeing the Built.
    struct Index {
      // key -> entry or item; for a mapping only from kIndexFrom entries on (Position)
      std::unordered_map<std::string, size_t> positions;
      std::unordered_set<std::string> texts;  // items of a list without repeats
    };
    std::unique_ptr<Index> index;
    bool indexed = false;
    size_t holes = 0;
    std::unique_ptr<CmdlineGroups> cmdline;  // a cmdline's entries, until Finish
  };

  static Built::Index& IndexOf(Built& built) {
    if (built.index == nullptr) built.index = std::make_unique<Built::Index>();
    return *built.index;
  }

  static void CopyHeader(const Node& layer, Node& node) {
    node.kind = layer.kind;
    node.style = layer.style;
    node.text = layer.text;
    node.range = layer.range;
    node.offset = layer.offset;  // places inside the value stay linear to find (interpolate)
    node.expanded_size = layer.expanded_size;
    node.expanded_bytes = layer.expanded_bytes;
    node.height = layer.height;
    node.tag = NodeTag::kNone;
  }

  // `layer` merged over nothing. Nodes are never changed once built (node.h), so where that
  // would be a copy of the same tree, the merged tree shares the layer's own nodes: a board
  // shares every part of its base that no later layer writes into (Merge copies the rest).
  NodePtr Fresh(const NodePtr& layer, const Field& field, PathSteps& path) {
    if (Verbatim(*layer, field)) return layer;
    return Copy(*layer, field, path);
  }

  // Whether `node` merged over nothing is `node` again: it holds no merge directive, and no
  // list whose merge would drop an item. Follows MergeInto's cases. A keyed list's items have
  // distinct keys: the shape check, which every layer passes before it is merged, refuses a
  // repeated one.
  static bool Verbatim(const Node& node, const Field& field) {
    if (node.tag != NodeTag::kNone) return false;
    if (node.is_scalar()) return true;
    if (node.is_mapping()) {
      for (const MappingEntry& entry : node.entries) {
        // Overlay bodies are kept as written (MergeEntries), directives included.
        const bool same = field.type == FieldType::kOverlays
                              ? entry.value->tag != NodeTag::kReset
                              : Verbatim(*entry.value, ChildField(field, entry.key));
        if (!same) return false;
      }
      return true;
    }
    if (field.type == FieldType::kStringList && !DistinctTexts(node.items)) return false;
    const Field& item_field =
        field.type == FieldType::kCmdline ? StringField() : ChildField(field, "");
    for (const NodePtr& item : node.items) {
      if (!Verbatim(*item, item_field)) return false;
    }
    return true;
  }

  // Whether a string list, which the merge keeps without repeats, has none. Only short lists
  // are compared, each text with each (most are a few names); a longer one counts as having
  // repeats, and is copied.
  static bool DistinctTexts(const std::vector<NodePtr>& items) {
    constexpr size_t kLongest = 16;
    if (items.size() > kLongest) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (items[i]->text == items[j]->text) return false;
      }
    }
    return true;
  }

  // A merged copy of `layer` over nothing, which the merger owns (a collection) and may write
  // into; its children are Fresh.
  NodePtr Copy(const Node& layer, const Field& field, PathSteps& path) {
    auto node = std::make_shared<Node>();
    CopyHeader(layer, *node);
    if (layer.is_scalar()) return node;
    // Most merged collections are made by one layer: their own size is the best guess.
    node->entries.reserve(layer.entries.size());
    if (field.type != FieldType::kCmdline) node->items.reserve(layer.items.size());
    Built& built = owned_.Add(node.get());
    built.node = node;
    MergeInto(built, layer, field, path);
    return node;
  }

  void MergeInto(Built& built, const Node& layer, const Field& field, PathSteps& path) {
    if (layer.is_mapping()) {
      MergeEntries(built, layer, field, path);
    } else if (field.type == FieldType::kCmdline) {
      MergeCmdline(built, layer, field, path);
    } else if (field.type == FieldType::kKeyedList) {
      MergeKeyedItems(built, layer, field, path);
    } else {
      MergeItems(built, layer, field, path);
    }
  }

  // Most mappings hold a few keys: searched in a row, they cost less than a hash index of
  // their keys. A list is indexed from its first item, a mapping from this many entries.
  static constexpr size_t kIndexFrom = 32;
  static constexpr size_t kNowhere = static_cast<size_t>(-1);

  static bool Indexed(const Built& built) { return built.indexed || !built.node->is_mapping(); }

  // Where `key` is (its entry or item), or kNowhere; a hole is nowhere.
  static size_t Position(const Built& built, const std::string& key) {
    if (Indexed(built)) {
      if (built.index == nullptr) return kNowhere;
      const auto found = built.index->positions.find(key);
      return found != built.index->positions.end() ? found->second : kNowhere;
    }
    const std::vector<MappingEntry>& entries = built.node->entries;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].value != nullptr && entries[i].key == key) return i;
    }
    return kNowhere;
  }

  static void IndexEntries(Built& built) {
    const std::vector<MappingEntry>& entries = built.node->entries;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].value != nullptr) IndexOf(built).positions.emplace(entries[i].key, i);
    }
    built.indexed = true;
  }

  // Puts `value` under `key` in place, appends it, or (nullptr) leaves a hole where it was.
  template <typename T, typename Make>
  static void Put(Built& built, std::vector<T>& slots, const std::string& key, NodePtr value,
                  Make make) {
    const size_t found = Position(built, key);
    if (value == nullptr) {
      if (found == kNowhere) return;
      slots[found] = make(nullptr);
      if (Indexed(built)) IndexOf(built).positions.erase(key);
      ++built.holes;
    } else if (found != kNowhere) {
      slots[found] = make(std::move(value));
    } else if (Indexed(built)) {
      IndexOf(built).positions.emplace(key, slots.size());
      slots.push_back(make(std::move(value)));
    } else {
      slots.push_back(make(std::move(value)));
      if (slots.size() >= kIndexFrom) IndexEntries(built);
    }
  }

  NodePtr Inherited(const Built& built, const std::string& key, bool mapping) const {
    const size_t found = Position(built, key);
    if (found == kNowhere) return nullptr;
    return mapping ? built.node->entries[found].value : built.node->items[found];
  }

  void MergeEntries(Built& built, const Node& layer, const Field& field, PathSteps& path) {
    for (const MappingEntry& entry : layer.entries) {
      // Overlays are merged by name, but each body stays as written, its directives included,
      // until it is applied as a layer of its own; a later definition of a name replaces it.
      NodePtr value;
      if (field.type == FieldType::kOverlays) {
        value = entry.value->tag == NodeTag::kReset ? nullptr : entry.value;
      } else {
        const PathSteps::Step step(path, ScopedStep::kChild, entry.key);
        value = Merge(Inherited(built, entry.key, true), entry.value, ChildField(field, entry.key),
                      path);
      }
      Put(built, built.node->entries, entry.key, std::move(value), [&](NodePtr merged) {
        return MappingEntry{entry.key, entry.key_range, std::move(merged)};
      });
    }
  }

  void MergeItems(Built& built, const Node& layer, const Field& field, PathSteps& path) {
    // extra_args keep repeats (-device may occur many times); other string lists do not.
    const bool unique = field.type == FieldType::kStringList;
    for (const NodePtr& item : layer.items) {
      if (unique && !IndexOf(built).texts.insert(item->text).second) continue;
      built.node->items.push_back(Fresh(item, ChildField(field, ""), path));
    }
  }

  void MergeKeyedItems(Built& built, const Node& layer, const Field& field, PathSteps& path) {
    for (const NodePtr& item : layer.items) {
      const std::string key = ItemKey(*item, field);
      if (item->tag == NodeTag::kDelete) {
        if (Position(built, key) == kNowhere) {
          diagnostics_.Error(item->range, Quoted("!delete " + key) + ": " + Quoted(path.Text()) +
                                              " has no inherited item " + Quoted(key));
        }
        Put(built, built.node->items, key, nullptr, [](NodePtr merged) { return merged; });
        continue;
      }
      // In place when the key is there, so the order of the base is kept.
      NodePtr merged;
      {
        const PathSteps::Step step(path, ScopedStep::kItem, key);
        merged = Merge(Inherited(built, key, false), item, field, path);
      }
      Put(built, built.node->items, key, std::move(merged), [](NodePtr value) { return value; });
    }
  }

  void MergeCmdline(Built& built, const Node& layer, const Field& field, PathSteps& path) {
    if (built.cmdline == nullptr) built.cmdline = std::make_unique<CmdlineGroups>();
    CmdlineGroups& groups = *built.cmdline;
    groups.BeginLayer();
    for (const NodePtr& item : layer.items) {
      const std::string key = ItemKey(*item, field);
      if (item->tag != NodeTag::kDelete) {
        groups.Add(key, Fresh(item, StringField(), path));
      } else if (!groups.Delete(key)) {
        diagnostics_.Error(item->range, Quoted("!delete " + key) + ": " + Quoted(path.Text()) +
                                            " has no inherited item " + Quoted(key));
      }
    }
  }

  Diagnostics& diagnostics_;
  ByNode<Built> owned_;
};

}  // namespace

NodePtr MergeLayers(const std::vector<NodePtr>& layers, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  Merger merger(diagnostics);
  NodePtr merged;
  PathSteps path;
  for (const NodePtr& layer : layers) merged = merger.Merge(merged, layer, ProfileSchema(), path);
  if (diagnostics.error_count() != errors_before) return nullptr;
  merger.Finish();
  return merged;
}

}  // namespace qemuc
