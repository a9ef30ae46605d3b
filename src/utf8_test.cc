#include "utf8.h"

#include <doctest/doctest.h>

namespace qemuc {
namespace {

TEST_SUITE("utf8") {
  TEST_CASE("well-formed text of every sequence length passes") {
    CHECK_FALSE(FindInvalidUtf8("plain ascii").has_value());
    CHECK_FALSE(FindInvalidUtf8("é \xE2\x80\xA8 😀 \xF4\x8F\xBF\xBF").has_value());
    CHECK_FALSE(FindInvalidUtf8("").has_value());
  }

  TEST_CASE("the first ill-formed byte is found") {
    CHECK(FindInvalidUtf8("ab\xFF") == std::optional<size_t>(2));
    CHECK(FindInvalidUtf8("\xC3") == std::optional<size_t>(0));              // truncated
    CHECK(FindInvalidUtf8("x\xC0\xAF") == std::optional<size_t>(1));         // overlong '/'
    CHECK(FindInvalidUtf8("\xE0\x80\xAF") == std::optional<size_t>(0));      // overlong, 3 bytes
    CHECK(FindInvalidUtf8("\xED\xA0\x80") == std::optional<size_t>(0));      // surrogate U+D800
    CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == std::optional<size_t>(0));  // past U+10FFFF
    CHECK(FindInvalidUtf8("\xE2\x28\xA1") == std::optional<size_t>(0));      // bad continuation
    CHECK(FindInvalidUtf8("\x80") == std::optional<size_t>(0));              // lone continuation
  }

  TEST_CASE("the length of the sequence at a byte, or 0 where none is well formed") {
    CHECK(Utf8SequenceLength("a", 0) == 1);
    CHECK(Utf8SequenceLength("x\xC3\xA9", 1) == 2);
    CHECK(Utf8SequenceLength("\xE2\x80\xA8", 0) == 3);
    CHECK(Utf8SequenceLength("\xF4\x8F\xBF\xBF", 0) == 4);
    CHECK(Utf8SequenceLength("\xE2\x80", 0) == 0);      // truncated
    CHECK(Utf8SequenceLength("\xED\xA0\x80", 0) == 0);  // surrogate U+D800
    CHECK(Utf8SequenceLength("\xC3\xA9", 1) == 0);      // a continuation byte
  }

  TEST_CASE("code points are counted, not bytes") {
    CHECK(CountCodePoints("") == 0);
    CHECK(CountCodePoints("abc") == 3);
    CHECK(CountCodePoints("é😀x") == 3);
  }
}

}  // namespace
}  // namespace qemuc
