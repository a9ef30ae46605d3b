// parse, second half: the events of one YAML document (yaml-cpp's, or the fast path's, which
// are the same) -> a Node tree, with the checks of the document itself (SPEC §2.1): duplicate,
// empty and complex keys, "<<", tags, nulls, aliases, and the limits of ParseLimits.
#ifndef QEMUC_YAML_TREE_BUILDER_H_
#define QEMUC_YAML_TREE_BUILDER_H_

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "key_path.h"
#include "node.h"
#include "seen_keys.h"
#include "source.h"
#include "yaml_parser.h"

namespace qemuc {

// Thrown by the tree builder after an error that leaves the rest of the file meaningless.
struct StopParsing {};

// Where a yaml-cpp mark points in `file`.
SourceRange RangeOfMark(const SourceFile& file, const YAML::Mark& mark);

// One per document: it is given the document's events, then root() is the tree. Errors go to
// `diagnostics`; one that leaves the rest of the file meaningless throws StopParsing.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const SourceFile& file, Diagnostics& diagnostics, const ParseLimits& limits)
      : file_(file), diagnostics_(diagnostics), limits_(limits) {
    // Enough for most profiles without growing.
    stack_.reserve(8);
    entries_.reserve(32);
    items_.reserve(16);
  }

  NodePtr root() const { return root_; }       // nullptr for a null document
  bool saw_root() const { return saw_root_; }  // whether the document had a node at all

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override;
  void OnSequenceEnd() override { EndCollection(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override;
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
  void ReportMissingValue(const SourceRange& range);
  // An error that lets parsing go on. Past kMaxParseErrors in one file parsing stops: errors
  // that make no node (1 MiB of "[,,,,]" is a million empty items) could otherwise fill memory.
  Diagnostic& Report(const SourceRange& range, std::string message);
  [[noreturn]] void Stop(const SourceRange& range, std::string message);
  SourceRange RangeAt(const YAML::Mark& mark) const { return RangeOfMark(file_, mark); }
  // "qemu.drives[0].file": where the value being read sits, for messages.
  KeyPath PathOfValue() const;
  bool ExpectingKey() const;
  NodeTag CheckedTag(const std::string& tag, const YAML::Mark& mark);
  // The tag token of the node at `mark` (an anchor may stand before it: "&a !tag").
  SourceRange TagRange(const YAML::Mark& mark) const;
  size_t MarkOffset(const YAML::Mark& mark) const;
  void OnKey(const SourceRange& range, const std::string& tag, ScalarStyle style,
             const std::string& key);
  void CountNodes(uint64_t added, const SourceRange& range);
  void CountBytes(uint64_t added, const SourceRange& range);
  void CheckDepth(uint32_t depth, const SourceRange& range);
  void StartCollection(NodeKind kind, const YAML::Mark& mark, const std::string& tag,
                       YAML::anchor_t anchor);
  void EndCollection();
  void Register(YAML::anchor_t anchor, const NodePtr& node);
  void AddValue(const NodePtr& value);

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

}  // namespace qemuc

#endif  // QEMUC_YAML_TREE_BUILDER_H_
