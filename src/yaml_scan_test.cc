#include "yaml_scan.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

TEST_SUITE("yaml_scan") {
  TEST_CASE("plain, quoted and block scalars, after tags and anchors") {
    const std::string text = "a: !override &x \"q, r\"  # c\nb: plain text\nc: |\n  block\n";
    const ScalarToken quoted = ScanScalar(text, 3, "q, r");
    CHECK(quoted.style == ScalarStyle::kQuoted);
    CHECK(quoted.value_offset == text.find('"'));
    CHECK(quoted.length == 6);
    CHECK(quoted.terminated);
    const ScalarToken plain = ScanScalar(text, text.find("plain"), "plain text");
    CHECK(plain.style == ScalarStyle::kPlain);
    CHECK(plain.length == 10);
    CHECK(ScanScalar(text, text.find('|'), "block\n").style == ScalarStyle::kQuoted);
  }

  TEST_CASE("a quote that is never closed; escapes that do not close it") {
    CHECK_FALSE(ScanScalar("a: \"abc\nb: 1\n", 3, "abc b: 1 ").terminated);
    CHECK_FALSE(ScanScalar("a: \"x\\\"\n", 3, "").terminated);
    CHECK(ScanScalar("a: 'it''s'\n", 3, "it's").terminated);
    CHECK_FALSE(ScanScalar("a: 'it''s\n", 3, "").terminated);
  }

  TEST_CASE("a tag with no value is empty and points at the tag") {
    const std::string text = "a: !override\nb: 1\n";
    const ScalarToken token = ScanScalar(text, 3, "");
    CHECK(token.empty);
    CHECK(token.value_offset == 3);
    CHECK(token.length == 9);
    CHECK_FALSE(ScanScalar("a: !override \"\"\n", 3, "").empty);
  }

  TEST_CASE("the tag token, after an anchor or a line break") {
    const std::string text = "a: &x\n  !foo {k: 1}\n";
    const TagToken tag = FindTag(text, 3);
    CHECK(text.substr(tag.begin, tag.end - tag.begin) == "!foo");
    CHECK(tag.length == 4);
    CHECK(FindTag("a: !f\xC3\xA9\n", 3).length == 3);  // characters, not bytes
    const std::string flow = "[!delete x,y]";
    const TagToken in_flow = FindTag(flow, 1);
    CHECK(flow.substr(in_flow.begin, in_flow.end - in_flow.begin) == "!delete");
    CHECK(in_flow.length == 7);
  }
}

}  // namespace
}  // namespace qemuc
