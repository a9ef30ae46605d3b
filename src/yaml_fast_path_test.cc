#include "yaml_fast_path.h"

#include <doctest/doctest.h>

#include "yaml_event_compare.h"

namespace qemuc {
namespace {

using testing::Agreement;
using testing::CompareWithYamlCpp;

// The fast path takes `text` and gives yaml-cpp's events for it.
void CheckTakenAndSame(const std::string& text) {
  INFO(text);
  const testing::Comparison comparison = CompareWithYamlCpp(text);
  INFO(comparison.explanation);
  CHECK(comparison.agreement == Agreement::kSame);
}

void CheckDeclined(const std::string& text) {
  INFO(text);
  std::vector<YamlEvent> events;
  CHECK_FALSE(ReadYamlFastPath(text, events));
}

TEST_SUITE("yaml_fast_path") {
  TEST_CASE("a profile's events, marks and tags") {
    const std::string text =
        "# a board\n"
        "qemu:\n"
        "  drives: !reset\n"
        "    - id: blk0   # the first\n"
        "      file: \"${out}/a b.img\"\n"
        "  extra_args: [-vga, 'none']\n"
        "cmdline: !override [a=1]\n";
    std::vector<YamlEvent> events;
    REQUIRE(ReadYamlFastPath(text, events));
    REQUIRE(events.size() == 23);
    CHECK(events[0].kind == YamlEvent::Kind::kMapStart);
    CHECK(events[0].line == 1);
    CHECK(events[0].column == 0);
    // The sequence's mark is its tag's, on the line above its first item.
    const YamlEvent& drives = events[4];
    CHECK(drives.kind == YamlEvent::Kind::kSequenceStart);
    CHECK(drives.tag == YamlEvent::Tag::kReset);
    CHECK(drives.line == 2);
    CHECK(drives.column == 10);
    CHECK(drives.offset == text.find("!reset"));
    const YamlEvent& file = events[9];
    CHECK(file.value == "${out}/a b.img");
    CHECK(file.tag == YamlEvent::Tag::kNonPlain);
    CHECK(file.column == 12);
    CHECK(events[7].value == "blk0");  // the comment is not in the value
    CHECK(events[14].value == "-vga");
    CHECK(events[13].flow);
    CHECK(events[13].kind == YamlEvent::Kind::kSequenceStart);
    CHECK(events[19].tag == YamlEvent::Tag::kOverride);
    CheckTakenAndSame(text);
  }

  TEST_CASE("what it takes gives yaml-cpp's events") {
    for (const std::string text : {
             "a: 1\n",
             "a: 1",
             "---\na: 1\n",
             "--- # c\na: 1\n",
             "a:\n- x\n- y\nb: 2\n",                          // an indentless sequence
             "a:\n  - b: 1\n    c: [x, y]\n  - d: {e: f}\n",  // compact mappings in items
             "a:\n  -   b: 1\n      c: 2\n",
             "a:\n  -\n    b: 1\n",
             "a: !reset\nb: !delete\n",
             "a: !reset\n    # a comment, more indented\nb: 1\n",
             "a: !override\n  b: 1\n",
             "a: !reset [1, 2]\n",
             "a: !override\n  - x\n",
             "a:\n# at column 0\n  b: 1\n",
             "a: x # c\nb: 'y' # c\nc: \"z\"\n",
             "a: console=ttyS0,115200 ]x[ {y}\n",
             "a: a#b\nb: 'c # d'\nc: \"e: f\"\n",
             "a: -1\nb: :x\nc: ?y\nd: a:b\n",
             "a: x   \nb:    y\n",
             "k.e-y/1: v\n",
             "a: {b: {c: [d, [e]]}, f: \"g\"}\n",
             "a: []\nb: {}\nc: [ ]\n",
             "a: ''\nb: \"\"\n",
             "a: caf\xc3\xa9 \xe2\x80\x94 ok  # \xe2\x9c\x93\nb\xc3\xa9: [\xc3\xa9, "
             "\"\xc3\xa9\"]\n",
             "a: true\nb: 3.5\nc: 0x10\n",
             "\n\n  \n# only comments before\na: 1\n\n# and after\n",
             "a:\n    b: 1\n    c:\n      - 2\nd: 3\n",
         }) {
      CheckTakenAndSame(text);
    }
  }

  TEST_CASE("declines what it does not read the way yaml-cpp does") {
    for (const std::string text : {
             "",
             "# only a comment\n",
             "a:\tb\n",   // a tab
             "a: b\r\n",  // CR LF
             "\xef\xbb\xbf"
             "a: 1\n",         // a byte order mark
             "\xc3\xa9: 1\n",  // a non-ASCII first byte: yaml-cpp guesses the encoding from it
             "a: \xc3\n",      // UTF-8 cut short
             "a: \xff\n",
             "a: &x 1\nb: *x\n",  // anchors and aliases
             "a: |\n  text\n",    // block scalars
             "a: >-\n  text\n",
             "a: one\n  two\n",  // a plain scalar on two lines
             "a: one\n   # more indented comment\n",
             "a: [1,\n  2]\n",  // a flow collection on two lines
             "a:\nb: 1\n",      // null values
             "a: ~\n",
             "a: null\n",
             "a: [x, ~]\n",
             "a: \"x\\ty\"\n",  // escapes
             "a: 'it''s'\n",
             "\"a\": 1\n",  // quoted keys
             "{a: 1}\n",    // a root in flow style
             "- a\n",       // a root that is not a mapping
             "x\n",
             "a: !foo 1\n",  // unknown tags
             "a: !!str 1\n",
             "? a\n: 1\n",         // a complex key
             "a: 1\n---\nb: 2\n",  // a second document
             "a: 1\n...\n",
             "%YAML 1.2\n---\na: 1\n",
             "a: b: c\n",
             "a: [x, ]\n",  // a trailing comma
             "a: [x: y]\n",
             "a: {b}\n",
             "a: \"unterminated\n",
             "a: 1\n b: 2\n",  // a key more indented than its mapping
             "a:\n  b: 1\n c: 2\n",
             "a:\n  - x\n  b: 1\n",
             "a : 1\n",
             "a: 1\n- b\n",
             "a: !reset\n- b\n",
             "a: \"x\"#c\n",
         }) {
      CheckDeclined(text);
    }
  }

  TEST_CASE("a key past yaml-cpp's 1024-character limit, and nesting past 64, are declined") {
    CheckTakenAndSame(std::string(1000, 'k') + ": v\n");
    CheckDeclined(std::string(1001, 'k') + ": v\n");
    std::string deep;
    for (size_t level = 0; level < 64; ++level) deep += std::string(level, ' ') + "k:\n";
    CheckDeclined(deep + std::string(64, ' ') + "k: v\n");
    std::string shallow;
    for (size_t level = 0; level < 63; ++level) shallow += std::string(level, ' ') + "k:\n";
    CheckTakenAndSame(shallow + std::string(63, ' ') + "k: v\n");
  }
}

}  // namespace
}  // namespace qemuc
