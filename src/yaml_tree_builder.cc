#include "yaml_tree_builder.h"

#include <algorithm>
#include <optional>

#include "text.h"
#include "yaml_scan.h"

namespace qemuc {
namespace {

// 100 errors in one file are more than anyone reads; 20 of them are shown.
constexpr size_t kMaxParseErrors = 100;

constexpr std::string_view kCoreSchemaTagPrefix = "tag:yaml.org,2002:";

std::optional<NodeTag> ToNodeTag(const std::string& tag) {
  // yaml-cpp reports "?" for untagged plain nodes and "!" for quoted or block scalars. Asked for
  // every node, so these come first and without a string comparison.
  if (tag.empty() || (tag.size() == 1 && (tag[0] == '?' || tag[0] == '!'))) return NodeTag::kNone;
  if (tag == "!override") return NodeTag::kOverride;
  if (tag == "!reset") return NodeTag::kReset;
  if (tag == "!delete") return NodeTag::kDelete;
  return std::nullopt;
}

std::string DisplayTag(const std::string& tag) {
  if (tag.compare(0, kCoreSchemaTagPrefix.size(), kCoreSchemaTagPrefix) == 0) {
    return "!!" + tag.substr(kCoreSchemaTagPrefix.size());
  }
  return tag;
}

// The last `count` elements of `from` become `to`, allocated once at their final size.
template <typename T>
void MoveLast(std::vector<T>& from, size_t count, std::vector<T>& to) {
  const auto first = from.end() - static_cast<std::ptrdiff_t>(count);
  to.assign(std::make_move_iterator(first), std::make_move_iterator(from.end()));
  from.erase(first, from.end());
}

}  // namespace

SourceRange RangeOfMark(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {&file, 0, 0, 1};
  const auto line0 = static_cast<uint32_t>(mark.line);
  return {&file, line0 + 1, file.CharColumn(line0, static_cast<uint32_t>(mark.column)), 1};
}

void TreeBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t) {
  if (ignored_depth_ > 0) return;
  if (ExpectingKey()) Stop(RangeAt(mark), "empty key");
  if (stack_.empty()) {
    saw_root_ = true;
    return;
  }
  ReportMissingValue(RangeAt(mark));
}

void TreeBuilder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  if (ignored_depth_ > 0) return;
  const SourceRange range = RangeAt(mark);
  if (ExpectingKey()) Stop(range, "an alias cannot be a key");
  const auto it = anchors_.find(anchor);
  if (it == anchors_.end()) {
    Stop(range,
         "an alias must refer to a complete value (not a key, a null, or a node that "
         "contains the alias)");
  }
  CountNodes(it->second->expanded_size, range);
  CountBytes(it->second->expanded_bytes, range);
  CheckDepth(static_cast<uint32_t>(stack_.size()) + it->second->height, range);
  AddValue(it->second);
}

void TreeBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                           const std::string& value) {
  if (ignored_depth_ > 0) return;
  const ScalarToken token = ScanScalar(file_.text(), MarkOffset(mark), value);
  if (!token.terminated) {
    Stop(RangeAtOffset(file_, token.value_offset), "unterminated quoted string");
  }
  SourceRange range = RangeAtOffset(file_, token.value_offset, static_cast<uint32_t>(mark.line));
  range.length = static_cast<uint32_t>(token.length);
  if (ExpectingKey()) {
    OnKey(range, tag, token.style, value);
    return;
  }
  // "key: !override" with nothing after it: only "!reset" may stand without a value.
  if (token.empty && ToNodeTag(tag) != NodeTag::kReset && !stack_.empty()) {
    ReportMissingValue(range);
    return;
  }
  CountNodes(1, range);
  CountBytes(value.size(), range);
  auto node = std::make_shared<Node>();
  node->kind = NodeKind::kScalar;
  node->expanded_bytes = value.size();
  node->tag = CheckedTag(tag, mark);
  node->style = token.style;
  node->text = value;
  node->range = range;
  node->offset = token.value_offset;
  node->height = 0;
  Register(anchor, node);
  AddValue(node);
}

void TreeBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string& tag,
                                  YAML::anchor_t anchor, YAML::EmitterStyle::value) {
  StartCollection(NodeKind::kSequence, mark, tag, anchor);
}

void TreeBuilder::OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                             YAML::EmitterStyle::value) {
  StartCollection(NodeKind::kMapping, mark, tag, anchor);
}

void TreeBuilder::ReportMissingValue(const SourceRange& range) {
  Frame& parent = stack_.back();
  if (parent.node->is_sequence()) {
    Report(range, "empty list item");
    return;
  }
  if (!parent.drop_value) {
    Report(parent.pending.key_range, Quoted(PathOfValue().Text()) + " has no value")
        .notes.push_back({"null values are not allowed; '!reset' removes an inherited value", {}});
  }
  parent.has_key = false;
  parent.drop_value = false;
}

Diagnostic& TreeBuilder::Report(const SourceRange& range, std::string message) {
  if (++errors_ > kMaxParseErrors) {
    Stop(range, "more than " + std::to_string(kMaxParseErrors) +
                    " errors in this file; the rest of it is not read");
  }
  return diagnostics_.Error(range, std::move(message));
}

void TreeBuilder::Stop(const SourceRange& range, std::string message) {
  diagnostics_.Error(range, std::move(message));
  throw StopParsing{};
}

KeyPath TreeBuilder::PathOfValue() const {
  KeyPath path;
  for (const Frame& frame : stack_) {
    if (frame.node->is_sequence()) {
      path = path.Item(std::to_string(frame.count));
    } else if (frame.has_key) {
      path = path.Child(frame.pending.key);
    }
  }
  return path;
}

bool TreeBuilder::ExpectingKey() const {
  return !stack_.empty() && stack_.back().node->is_mapping() && !stack_.back().has_key;
}

NodeTag TreeBuilder::CheckedTag(const std::string& tag, const YAML::Mark& mark) {
  const std::optional<NodeTag> known = ToNodeTag(tag);
  if (known) return *known;
  const SourceRange range = TagRange(mark);
  Report(range, "unknown tag " + Quoted(DisplayTag(tag)))
      .notes.push_back({"the tags qemuc knows are !override, !reset and !delete", {}});
  return NodeTag::kNone;
}

SourceRange TreeBuilder::TagRange(const YAML::Mark& mark) const {
  const TagToken tag = FindTag(file_.text(), MarkOffset(mark));
  SourceRange range = RangeAtOffset(file_, tag.begin);
  range.length = static_cast<uint32_t>(tag.length);
  return range;
}

size_t TreeBuilder::MarkOffset(const YAML::Mark& mark) const {
  return file_.Offset(static_cast<uint32_t>(mark.line), static_cast<uint32_t>(mark.column));
}

void TreeBuilder::OnKey(const SourceRange& range, const std::string& tag, ScalarStyle style,
                        const std::string& key) {
  CountBytes(key.size(), range);
  Frame& frame = stack_.back();
  frame.node->expanded_bytes += key.size();
  frame.has_key = true;
  frame.drop_value = true;
  frame.pending = MappingEntry{key, range, nullptr};
  if (const std::optional<NodeTag> known = ToNodeTag(tag); !known || *known != NodeTag::kNone) {
    Report(range, "a key cannot have a tag (" + Quoted(DisplayTag(tag)) + ")");
    return;
  }
  if (std::string_view(key) == "<<" && style == ScalarStyle::kPlain) {
    Report(range, "YAML merge keys ('<<') are not supported")
        .notes.push_back({"share settings with 'extends' or overlays instead", {}});
    return;
  }
  if (const SourceRange* first = seen_keys_.Find(frame.seen, key)) {
    Report(range, "duplicate key " + Quoted(key)).notes.push_back({"first defined at", *first});
    return;
  }
  seen_keys_.Add(frame.seen, key, range);
  frame.drop_value = false;
}

void TreeBuilder::CountNodes(uint64_t added, const SourceRange& range) {
  node_count_ += added;
  if (node_count_ > limits_.max_expanded_nodes) {
    Stop(range, "the document expands to more than " + std::to_string(limits_.max_expanded_nodes) +
                    " nodes (aliases count once per use)");
  }
}

void TreeBuilder::CountBytes(uint64_t added, const SourceRange& range) {
  byte_count_ += added;
  if (byte_count_ > limits_.max_expanded_bytes) {
    Stop(range, "the document expands to more than " + std::to_string(limits_.max_expanded_bytes) +
                    " bytes of keys and values (aliases count once per use)");
  }
}

void TreeBuilder::CheckDepth(uint32_t depth, const SourceRange& range) {
  if (depth > limits_.max_depth) {
    Stop(range, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
}

void TreeBuilder::StartCollection(NodeKind kind, const YAML::Mark& mark, const std::string& tag,
                                  YAML::anchor_t anchor) {
  const SourceRange range = RangeAt(mark);
  if (ignored_depth_ > 0 || ExpectingKey()) {
    // A complex key is reported when it ends, so that a syntax error inside it (an unclosed
    // "[b" that yaml-cpp turns into a key) is reported as what it is.
    if (ignored_depth_++ == 0) complex_key_range_ = range;
    return;
  }
  CountNodes(1, range);
  CheckDepth(static_cast<uint32_t>(stack_.size()) + 1, range);
  auto node = std::make_shared<Node>();
  node->kind = kind;
  node->tag = CheckedTag(tag, mark);
  node->range = range;
  node->expanded_size = 1;
  node->height = 1;
  Frame frame;
  frame.node = std::move(node);
  frame.anchor = anchor;
  frame.seen = seen_keys_.Open();
  stack_.push_back(std::move(frame));
}

void TreeBuilder::EndCollection() {
  if (ignored_depth_ > 0) {
    if (--ignored_depth_ == 0) {
      Stop(complex_key_range_, "complex keys (a mapping or list as a key) are not supported");
    }
    return;
  }
  Frame& frame = stack_.back();
  seen_keys_.Close(frame.seen);
  if (frame.node->is_mapping()) {
    MoveLast(entries_, frame.count, frame.node->entries);
  } else {
    MoveLast(items_, frame.count, frame.node->items);
  }
  const NodePtr node = std::move(frame.node);
  const YAML::anchor_t anchor = frame.anchor;
  stack_.pop_back();  // `frame` is gone: the node is added to its parent
  Register(anchor, node);
  AddValue(node);
}

void TreeBuilder::Register(YAML::anchor_t anchor, const NodePtr& node) {
  if (anchor != 0) anchors_[anchor] = node;
}

void TreeBuilder::AddValue(const NodePtr& value) {
  if (stack_.empty()) {
    root_ = value;
    saw_root_ = true;
    return;
  }
  Frame& parent = stack_.back();
  parent.node->expanded_size += value->expanded_size;
  parent.node->expanded_bytes += value->expanded_bytes;
  parent.node->height = std::max(parent.node->height, value->height + 1);
  if (parent.node->is_sequence()) {
    items_.push_back(value);
    ++parent.count;
    return;
  }
  if (!parent.drop_value) {
    parent.pending.value = value;
    entries_.push_back(std::move(parent.pending));
    ++parent.count;
  }
  parent.has_key = false;
  parent.drop_value = false;
}

}  // namespace qemuc
