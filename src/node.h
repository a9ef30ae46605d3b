// The project's own YAML tree: every key and value keeps its SourceRange. Built once by the
// parser and then only read; an alias shares the anchored subtree instead of copying it.
#ifndef QEMUC_NODE_H_
#define QEMUC_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "source.h"

namespace qemuc {

enum class NodeKind { kScalar, kMapping, kSequence };

// Plain scalars are the only ones that may be booleans or integers (SPEC §2.1: strict typing).
enum class ScalarStyle { kPlain, kQuoted };

// The merge directives of SPEC §2.3; any other tag is rejected by the parser.
enum class NodeTag { kNone, kOverride, kReset, kDelete };

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct MappingEntry {
  std::string key;
  SourceRange key_range;
  NodePtr value;
};

struct Node {
  NodeKind kind = NodeKind::kScalar;
  NodeTag tag = NodeTag::kNone;
  ScalarStyle style = ScalarStyle::kPlain;
  std::string text;   // scalars only
  SourceRange range;  // a scalar: its value (after any tag); a collection: where it starts
  // A scalar from the parser: the byte in range.file where `range` starts (its quote, if any),
  // so that places inside a value on a long line need no count from the line's start.
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);
  size_t offset = kNoOffset;
  std::vector<MappingEntry> entries;  // mappings only, in source order
  std::vector<NodePtr> items;         // sequences only
  uint64_t expanded_size = 1;         // nodes in this subtree with aliases expanded
  uint64_t expanded_bytes = 0;        // bytes of its keys and scalars, aliases expanded
  uint32_t height = 1;                // nesting levels in this subtree

  bool is_scalar() const { return kind == NodeKind::kScalar; }
  bool is_mapping() const { return kind == NodeKind::kMapping; }
  bool is_sequence() const { return kind == NodeKind::kSequence; }
  bool is_plain() const { return kind == NodeKind::kScalar && style == ScalarStyle::kPlain; }

  // The entry with this key in a mapping, or nullptr.
  const MappingEntry* Find(std::string_view key) const {
    for (const MappingEntry& entry : entries) {
      if (entry.key == key) return &entry;
    }
    return nullptr;
  }
};

// The items of a list, or none for a missing value (nullptr), as plain pointers.
inline std::vector<const Node*> Items(const Node* list) {
  std::vector<const Node*> items;
  if (list != nullptr) {
    for (const NodePtr& item : list->items) items.push_back(item.get());
  }
  return items;
}

// The entries of a value written as one scalar or as a list ("extends: a.yaml" or
// "extends: [a.yaml, b.yaml]"): the scalar itself, else the list's items (none for a mapping).
inline std::vector<const Node*> ScalarOrItems(const Node& value) {
  if (value.is_scalar()) return {&value};
  return Items(&value);
}

// "a mapping", "a list", "a string": how diagnostics name what they found.
const char* DescribeKind(const Node& node);

}  // namespace qemuc

#endif  // QEMUC_NODE_H_
