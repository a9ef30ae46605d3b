// parse, fast path: the events of the YAML that profiles are nearly always written in, read
// without yaml-cpp, whose scanner costs about 80% of a cold `validate`.
//
// It accepts a strict subset: printable ASCII and UTF-8 text with line feeds; block mappings
// with plain keys, block sequences (indentless ones too), flow collections on one line, plain and
// quoted scalars on one line without escapes, comments, a leading "---", and the tags
// !override, !reset and !delete. For such a file the events, marks included, are yaml-cpp's.
// Anything else (and anything yaml-cpp would reject or read as null) is declined, and the caller
// runs yaml-cpp, whose events and error messages stay the reference. tests/yaml_differ checks the
// "same events" claim against yaml-cpp on every YAML file in the repository and on mutations of
// them; the libFuzzer target fuzz_yaml_fast_path does so on inputs nobody wrote.
#ifndef QEMUC_YAML_FAST_PATH_H_
#define QEMUC_YAML_FAST_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/eventhandler.h>

namespace qemuc {

struct YamlEvent {
  enum class Kind : uint8_t { kMapStart, kMapEnd, kSequenceStart, kSequenceEnd, kScalar };
  // yaml-cpp's tag strings: "?" for a plain scalar or an untagged collection, "!" for a quoted
  // scalar, or one of qemuc's tags.
  enum class Tag : uint8_t { kPlain, kNonPlain, kOverride, kReset, kDelete };

  Kind kind = Kind::kScalar;
  Tag tag = Tag::kPlain;
  bool flow = false;  // a collection in [] or {}
  // yaml-cpp's mark: 0-based, the column in bytes. Where the node's first token starts (its tag).
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t offset = 0;
  std::string_view value;  // a scalar's value: a slice of the text
};

// The events of the one document in `text`, as yaml-cpp's parser would report them (without the
// document's start and end), or false if the text is outside the subset above. On false `events`
// holds a partial list.
bool ReadYamlFastPath(std::string_view text, std::vector<YamlEvent>& events);

// Feeds `events` to `handler` as yaml-cpp's parser would have (no anchors, no document events).
void ReplayYamlEvents(const std::vector<YamlEvent>& events, YAML::EventHandler& handler);

// "?", "!", "!override", ...: the tag as yaml-cpp's events spell it.
const std::string& YamlTagText(YamlEvent::Tag tag);

}  // namespace qemuc

#endif  // QEMUC_YAML_FAST_PATH_H_
