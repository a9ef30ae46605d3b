#include "source.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

TEST_SUITE("source") {
  TEST_CASE("lines, CRLF, and character columns from yaml-cpp's byte columns") {
    const SourceFile file("/x", "x", "ab\r\nçé: 1\nlast");
    CHECK(file.Line(1) == "ab");
    CHECK(file.Line(2) == "çé: 1");
    CHECK(file.Line(3) == "last");
    CHECK(file.Line(4) == "");
    CHECK(file.CharColumn(1, 6) == 5);  // the '1' after two 2-byte characters
    CHECK(file.LineOfOffset(0) == 0);
    CHECK(file.LineOfOffset(4) == 1);
    const SourceRange range = RangeAtOffset(file, file.text().find('1'));
    CHECK(range.line == 2);
    CHECK(range.column == 5);
    CHECK(FormatLocation(range) == "x:2:5");
  }

  TEST_CASE("a byte order mark is dropped") {
    const SourceFile file("/x", "x",
                          "\xEF\xBB\xBF"
                          "a: 1\n");
    CHECK(file.text() == "a: 1\n");
  }
}

}  // namespace
}  // namespace qemuc
