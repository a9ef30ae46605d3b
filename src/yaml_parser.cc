#include "yaml_parser.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>

#include "yaml_fast_path.h"
#include "yaml_tree_builder.h"

namespace qemuc {
namespace {

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
