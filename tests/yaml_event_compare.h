// Compares the YAML fast path's events (src/yaml_fast_path.h) with yaml-cpp's for one text:
// shared by tests/yaml_differ.cc and the fuzz target tests/fuzz/fuzz_yaml_fast_path.cc.
#ifndef QEMUC_TESTS_YAML_EVENT_COMPARE_H_
#define QEMUC_TESTS_YAML_EVENT_COMPARE_H_

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_fast_path.h"

namespace qemuc::testing {

// Every event as one line of text, marks included.
class EventRecorder : public YAML::EventHandler {
 public:
  std::vector<std::string> lines;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add("null", mark, "", anchor, "");
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add("alias", mark, "", anchor, "");
  }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    Add("anchor", mark, "", 0, name);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Add("scalar", mark, tag, anchor, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Add(style == YAML::EmitterStyle::Flow ? "[" : "seq", mark, tag, anchor, "");
  }
  void OnSequenceEnd() override { lines.push_back("end seq"); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Add(style == YAML::EmitterStyle::Flow ? "{" : "map", mark, tag, anchor, "");
  }
  void OnMapEnd() override { lines.push_back("end map"); }

 private:
  void Add(const char* what, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
           const std::string& value) {
    std::ostringstream line;
    line << what << ' ' << mark.line << ':' << mark.column << " @" << mark.pos << ' ' << tag;
    if (anchor != 0) line << " &" << anchor;
    line << " [" << value << ']';
    lines.push_back(line.str());
  }
};

// What yaml-cpp makes of `text`: its events, and whether it read exactly one document.
struct ReferenceResult {
  std::vector<std::string> events;
  bool one_document = false;
  std::string problem;  // why not
};

inline ReferenceResult ReadWithYamlCpp(std::string_view text) {
  ReferenceResult result;
  std::istringstream input{std::string(text)};
  try {
    YAML::Parser parser(input);
    EventRecorder recorder;
    if (!parser.HandleNextDocument(recorder)) {
      result.problem = "no document";
      return result;
    }
    result.events = recorder.lines;
    EventRecorder rest;
    if (parser.HandleNextDocument(rest)) {
      result.problem = "a second document";
      return result;
    }
    result.one_document = true;
  } catch (const YAML::Exception& e) {
    result.problem = std::string("yaml-cpp: ") + e.what();
  }
  return result;
}

// The fast path's events in the recorder's words, or false where it declines the text.
inline bool ReadWithFastPath(std::string_view text, std::vector<std::string>* lines) {
  std::vector<YamlEvent> events;
  if (!ReadYamlFastPath(text, events)) return false;
  EventRecorder recorder;
  ReplayYamlEvents(events, recorder);
  *lines = std::move(recorder.lines);
  return true;
}

enum class Agreement { kDeclined, kSame, kDifferent };

struct Comparison {
  Agreement agreement = Agreement::kDeclined;
  std::string explanation;  // for kDifferent: both event lists
};

inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += "    " + line + "\n";
  return text;
}

// The fast path must decline, or give exactly yaml-cpp's events for a text yaml-cpp reads as
// one document.
// `tamper` moves the fast path's first event one column on: a check of the comparison itself.
inline Comparison CompareWithYamlCpp(std::string_view text, bool tamper = false) {
  Comparison comparison;
  std::vector<std::string> fast;
  if (!ReadWithFastPath(text, &fast)) return comparison;
  if (tamper && !fast.empty()) fast.front() += " (moved)";
  const ReferenceResult reference = ReadWithYamlCpp(text);
  if (reference.one_document && reference.events == fast) {
    comparison.agreement = Agreement::kSame;
    return comparison;
  }
  comparison.agreement = Agreement::kDifferent;
  comparison.explanation = "  fast path:\n" + JoinLines(fast) + "  yaml-cpp" +
                           (reference.one_document ? "" : " (" + reference.problem + ")") + ":\n" +
                           JoinLines(reference.events);
  return comparison;
}

}  // namespace qemuc::testing

#endif  // QEMUC_TESTS_YAML_EVENT_COMPARE_H_
