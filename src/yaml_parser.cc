#include "yaml_parser.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <map>
#include <optional>
#include <streambuf>

#include "key_path.h"
#include "seen_keys.h"
#include "text.h"
#include "yaml_fast_path.h"
#include "yaml_scan.h"

namespace qemuc {
namespace {

// Thrown by the tree builder after an error that leaves the rest of the file meaningless.
struct StopParsing {};

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

SourceRange RangeOfMark(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {&file, 0, 0, 1};
  const auto line0 = static_cast<uint32_t>(mark.line);
  return {&file, line0 + 1, file.CharColumn(line0, static_cast<uint32_t>(mark.column)), 1};
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const SourceFile& file, Diagnostics& diagnostics, const ParseLimits& limits)
      : file_(file), diagnostics_(diagnostics), limits_(limits) {
    // Enough for most profiles without growing.
    stack_.reserve(8);
    entries_.reserve(32);
    items_.reserve(16);
  }

  NodePtr root() const { return root_; }
  bool saw_root() const { return saw_root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    if (ignored_depth_ > 0) return;
    if (ExpectingKey()) Stop(RangeAt(mark), "empty key");
    if (stack_.empty()) {
      saw_root_ = true;
      return;
    }
    ReportMissingValue(RangeAt(mark));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
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

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
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

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    StartCollection(NodeKind::kSequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { EndCollection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    StartCollection(NodeKind::kMapping, mark, tag, anchor);
  }
  void OnMapEnd() override { EndCollection(); }

 private:
  struct Frame {
    std::shared_ptr<Node> node;
    YAML::anchor_t anchor = 0;
    bool has_key = false;     // a mapping's key was read and waits for its value
    bool drop_value = false;  // that key was rejected: parse its value, then leave it out
    MappingEntry pending;
    SeenKeys::Frame seen;  // the mapping's keys read so far
    // Its entries or items so far: the last `count` of entries_ or items_ (PathOfValue).
    size_t count = 0;
  };

  // A null or empty value: reported at its key in a mapping, at itself in a list.
  void ReportMissingValue(const SourceRange& range) {
    Frame& parent = stack_.back();
    if (parent.node->is_sequence()) {
      Report(range, "empty list item");
      return;
    }
    if (!parent.drop_value) {
      Report(parent.pending.key_range, Quoted(PathOfValue().Text()) + " has no value")
          .notes.push_back(
              {"null values are not allowed; '!reset' removes an inherited value", {}});
    }
    parent.has_key = false;
    parent.drop_value = false;
  }

  // An error that lets parsing go on. Past kMaxParseErrors in one file parsing stops: errors
  // that make no node (1 MiB of "[,,,,]" is a million empty items) could otherwise fill memory.
  Diagnostic& Report(const SourceRange& range, std::string message) {
    if (++errors_ > kMaxParseErrors) {
      Stop(range, "more than " + std::to_string(kMaxParseErrors) +
                      " errors in this file; the rest of it is not read");
    }
    return diagnostics_.Error(range, std::move(message));
  }

  [[noreturn]] void Stop(const SourceRange& range, std::string message) {
    diagnostics_.Error(range, std::move(message));
    throw StopParsing{};
  }

  SourceRange RangeAt(const YAML::Mark& mark) const { return RangeOfMark(file_, mark); }

  // "qemu.drives[0].file": where the value being read sits, for messages.
  KeyPath PathOfValue() const {
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

  bool ExpectingKey() const {
    return !stack_.empty() && stack_.back().node->is_mapping() && !stack_.back().has_key;
  }

  NodeTag CheckedTag(const std::string& tag, const YAML::Mark& mark) {
    const std::optional<NodeTag> known = ToNodeTag(tag);
    if (known) return *known;
    const SourceRange range = TagRange(mark);
    Report(range, "unknown tag " + Quoted(DisplayTag(tag)))
        .notes.push_back({"the tags qemuc knows are !override, !reset and !delete", {}});
    return NodeTag::kNone;
  }

  // The tag token of the node at `mark` (an anchor may stand before it: "&a !tag").
  SourceRange TagRange(const YAML::Mark& mark) const {
    const TagToken tag = FindTag(file_.text(), MarkOffset(mark));
    SourceRange range = RangeAtOffset(file_, tag.begin);
    range.length = static_cast<uint32_t>(tag.length);
    return range;
  }

  size_t MarkOffset(const YAML::Mark& mark) const {
    return file_.Offset(static_cast<uint32_t>(mark.line), static_cast<uint32_t>(mark.column));
  }

  void OnKey(const SourceRange& range, const std::string& tag, ScalarStyle style,
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

  void CountNodes(uint64_t added, const SourceRange& range) {
    node_count_ += added;
    if (node_count_ > limits_.max_expanded_nodes) {
      Stop(range, "the document expands to more than " +
                      std::to_string(limits_.max_expanded_nodes) +
                      " nodes (aliases count once per use)");
    }
  }

  void CountBytes(uint64_t added, const SourceRange& range) {
    byte_count_ += added;
    if (byte_count_ > limits_.max_expanded_bytes) {
      Stop(range, "the document expands to more than " +
                      std::to_string(limits_.max_expanded_bytes) +
                      " bytes of keys and values (aliases count once per use)");
    }
  }

  void CheckDepth(uint32_t depth, const SourceRange& range) {
    if (depth > limits_.max_depth) {
      Stop(range, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
  }

  void StartCollection(NodeKind kind, const YAML::Mark& mark, const std::string& tag,
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

  void EndCollection() {
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

  void Register(YAML::anchor_t anchor, const NodePtr& node) {
    if (anchor != 0) anchors_[anchor] = node;
  }

  void AddValue(const NodePtr& value) {
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

  // The last `count` elements of `from` become `to`, allocated once at their final size.
  template <typename T>
  static void MoveLast(std::vector<T>& from, size_t count, std::vector<T>& to) {
    const auto first = from.end() - static_cast<std::ptrdiff_t>(count);
    to.assign(std::make_move_iterator(first), std::make_move_iterator(from.end()));
    from.erase(first, from.end());
  }

  const SourceFile& file_;
  Diagnostics& diagnostics_;
  const ParseLimits limits_;
  std::vector<Frame> stack_;
  // The entries and items of the collections being read, innermost last: a node's vector is
  // made once, when the collection ends, instead of growing (and moving) entry by entry.
  std::vector<MappingEntry> entries_;
  std::vector<NodePtr> items_;
  SeenKeys seen_keys_;
  std::map<YAML::anchor_t, NodePtr> anchors_;
  NodePtr root_;
  bool saw_root_ = false;
  uint64_t node_count_ = 0;
  uint64_t byte_count_ = 0;
  size_t errors_ = 0;           // reported through Report
  uint32_t ignored_depth_ = 0;  // inside a complex key: its events are skipped
  SourceRange complex_key_range_;
};

// Only asks whether another document follows, and where it starts.
class NextDocumentProbe : public YAML::EventHandler {
 public:
  struct Found {
    YAML::Mark mark;
  };
  void OnDocumentStart(const YAML::Mark& mark) override { throw Found{mark}; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Runs yaml-cpp over the file and reports its exceptions at their marks.
// Where a yaml-cpp exception points. In a --set value the PATH= part is blanked; an error that
// yaml-cpp places there (at the start, for an unclosed "[1") belongs at the end of the value.
SourceRange SyntaxErrorRange(const SourceFile& file, std::string_view text,
                             const YAML::Mark& mark) {
  const SourceRange range = RangeOfMark(file, mark);
  const size_t value_start = std::min(text.find_first_not_of(' '), text.size());
  if (mark.is_null() || file.Offset(static_cast<uint32_t>(mark.line),
                                    static_cast<uint32_t>(mark.column)) < value_start) {
    return RangeAtOffset(file, text.size());
  }
  return range;
}

// Runs yaml-cpp over `text` and reports its exceptions at their marks. A syntax error replaces
// what the handler reported since `first`: that was read from a document yaml-cpp had
// misunderstood ("cpus: [1" takes the next lines into the list).
bool RunParser(YAML::Parser& parser, YAML::EventHandler& handler, const SourceFile& file,
               std::string_view text, Diagnostics& diagnostics, size_t first,
               bool* found_document) {
  try {
    *found_document = parser.HandleNextDocument(handler);
    return true;
  } catch (const StopParsing&) {
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard (500 levels): reached when the limit above is higher, and for 500
    // unclosed brackets, which yaml-cpp refuses before their events reach the builder.
    diagnostics.DropSince(first);
    diagnostics.Error(SyntaxErrorRange(file, text, e.mark), "nesting too deep for the YAML parser");
  } catch (const YAML::Exception& e) {
    diagnostics.DropSince(first);
    diagnostics.Error(SyntaxErrorRange(file, text, e.mark), "invalid YAML: " + e.msg);
  }
  return false;
}

}  // namespace

const char* DescribeKind(const Node& node) {
  switch (node.kind) {
    case NodeKind::kMapping:
      return "a mapping";
    case NodeKind::kSequence:
      return "a list";
    case NodeKind::kScalar:
      break;
  }
  return node.style == ScalarStyle::kQuoted ? "a quoted string" : "a scalar";
}

namespace {

// Lets yaml-cpp read `text` where it lies: an istringstream copied every file once more.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only read: no put area is set
    setg(begin, begin, begin + text.size());
  }
};

// Runs yaml-cpp over `text` into `builder`, and then checks that no second document follows.
// `found`: whether there was a document at all.
bool ParseWithYamlCpp(const SourceFile& file, std::string_view text, TreeBuilder& builder,
                      Diagnostics& diagnostics, bool* found) {
  TextBuffer buffer(text);
  std::istream input(&buffer);
  YAML::Parser parser(input);
  const size_t first = diagnostics.size();
  if (!RunParser(parser, builder, file, text, diagnostics, first, found)) return false;
  if (!*found || !builder.saw_root()) return true;
  try {
    NextDocumentProbe probe;
    bool another = false;
    return RunParser(parser, probe, file, text, diagnostics, first, &another);
  } catch (const NextDocumentProbe::Found& next) {
    // yaml-cpp also ends a document silently at a line such as "-c" (a dash without a space).
    diagnostics.Error(RangeOfMark(file, next.mark),
                      "a second YAML document starts here; a profile is exactly one document");
    return false;
  }
}

// Reads `text` on the fast path when it is inside its subset (yaml_fast_path.h).
bool ParseOnFastPath(std::string_view text, TreeBuilder& builder) {
  // Reused: one per thread, so that a run reads its files without growing a new list for each.
  thread_local std::vector<YamlEvent> events;
  if (!ReadYamlFastPath(text, events)) return false;
  ReplayYamlEvents(events, builder);
  return true;
}

// Parses `text`, which lines up with file.text() byte for byte, as exactly one document.
NodePtr ParseDocument(const SourceFile& file, std::string_view text, DocumentKind kind,
                      Diagnostics& diagnostics, const ParseLimits& limits) {
  const size_t errors_before = diagnostics.error_count();
  TreeBuilder builder(file, diagnostics, limits);
  bool found = true;
  try {
    // A --set value is short, and often not a collection: yaml-cpp reads it.
    const bool fast = kind == DocumentKind::kProfile && ParseOnFastPath(text, builder);
    if (!fast && !ParseWithYamlCpp(file, text, builder, diagnostics, &found)) return nullptr;
  } catch (const StopParsing&) {
    return nullptr;  // from the builder, on the fast path (RunParser catches it on the other)
  }
  if (!found || !builder.saw_root()) {
    diagnostics.Error({&file, 1, 1, 1},
                      kind == DocumentKind::kProfile
                          ? "the file is empty; a profile is a mapping of keys to values"
                          : "the value is empty");
    return nullptr;
  }
  if (diagnostics.error_count() != errors_before) return nullptr;
  const NodePtr root = builder.root();
  if (root == nullptr) {
    diagnostics.Error({&file, 1, 1, 1},
                      kind == DocumentKind::kProfile
                          ? "a profile must be a mapping of keys to values, not null"
                          : "null is not a value; '!reset' removes one");
    return nullptr;
  }
  if (kind == DocumentKind::kProfile && !root->is_mapping()) {
    diagnostics.Error(
        root->range,
        std::string("a profile must be a mapping of keys to values, not ") + DescribeKind(*root));
    return nullptr;
  }
  return root;
}

}  // namespace

NodePtr ParseYaml(const SourceFile& file, Diagnostics& diagnostics, const ParseLimits& limits) {
  return ParseDocument(file, file.text(), DocumentKind::kProfile, diagnostics, limits);
}

NodePtr ParseYamlValue(const SourceFile& file, std::string_view text, Diagnostics& diagnostics) {
  return ParseDocument(file, text, DocumentKind::kValue, diagnostics, ParseLimits{});
}

}  // namespace qemuc
