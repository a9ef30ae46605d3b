#include "utf8.h"

#include <doctest/doctest.h>

#include <string>

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

  // The ASCII fast paths read eight bytes at a time: a character past ASCII at every position of
  // a word, across a word boundary and in the tail must count and validate as byte by byte.
  TEST_CASE("a character past ASCII is seen at every position of an eight-byte word") {
    for (const std::string character : {"\xC3\xA9", "\xE2\x80\xA8", "\xF0\x9F\x98\x80"}) {
      for (size_t position = 0; position <= 16; ++position) {
        const std::string text = std::string(position, 'a') + character + std::string(9, 'b');
        CAPTURE(position);
        CHECK(CountCodePoints(text) == position + 1 + 9);
        CHECK_FALSE(FindInvalidUtf8(text).has_value());
        CHECK_FALSE(IsAscii(text));
        CHECK_FALSE(IsAscii(std::string(position, 'a') + character));  // in the tail
        CHECK(IsAscii(std::string(position, 'a') + std::string(9, 'b')));
        const std::string cut = std::string(position, 'a') + character.substr(0, 1) + "bbbbbbbbb";
        CHECK(FindInvalidUtf8(cut) == std::optional<size_t>(position));
      }
    }
  }

  TEST_CASE("an ill-formed byte after eight or more ASCII bytes is found") {
    CHECK(FindInvalidUtf8("abcdefgh\xFF") == std::optional<size_t>(8));
    CHECK(FindInvalidUtf8("abcdefghi\x80jklmnopqrstu") == std::optional<size_t>(9));
    CHECK(FindInvalidUtf8("abcdefghijklmnop\xC3") == std::optional<size_t>(16));
    CHECK(FindInvalidUtf8("abcdefgh\xC3\xA9ijklmnopq\xED\xA0\x80") == std::optional<size_t>(19));
    CHECK(CountCodePoints("abcdefgh\xC3\xA9ijklmnopq") == 18);
    CHECK(CountCodePoints("\x80\x80\x80\x80\x80\x80\x80\x80") == 0);
    CHECK(CountCodePoints("\x7F\xFF\xC0\x40\xBF\x01\x80\xE0x") == 7);
  }

  TEST_CASE("a prefix of so many characters never cuts one in two") {
    CHECK(PrefixOfCharacters("abc", 2) == "ab");
    CHECK(PrefixOfCharacters("abc", 5) == "abc");
    CHECK(PrefixOfCharacters("é😀x", 2) == "é😀");
    CHECK(PrefixOfCharacters("é😀x", 0) == "");
  }

  TEST_CASE("terminal controls and bytes that are not UTF-8 become visible escapes") {
    CHECK(EscapeForTerminal("plain é 😀 \\x1b") == "plain é 😀 \\x1b");
    CHECK(EscapeForTerminal("a\x1b]0;title\x07"
                            "b") == "a\\x1b]0;title\\x07b");
    CHECK(EscapeForTerminal("cr\rlf\ntab\t") == "cr\\rlf\\ntab\\t");
    CHECK(EscapeForTerminal(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
    CHECK(EscapeForTerminal("c1 \xC2\x9B bidi \xE2\x80\xAE") == "c1 \\u009b bidi \\u202e");
    CHECK(EscapeForTerminal("bad \xFF\xC3") == "bad \\xff\\xc3");
  }
}

}  // namespace
}  // namespace qemuc
