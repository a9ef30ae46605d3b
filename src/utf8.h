// UTF-8 helpers: validation for loaded text, and character counts for columns.
#ifndef QEMUC_UTF8_H_
#define QEMUC_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qemuc {

// True for the bytes 10xxxxxx that continue a multi-byte character.
inline bool IsUtf8Continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// Length of the well-formed sequence starting at text[i] (i < text.size()), or 0 when none does
// (RFC 3629, table 3-7 of Unicode): 1 for ASCII, 2 to 4 for the rest.
size_t Utf8SequenceLength(std::string_view text, size_t i);

// Whether every byte is below 0x80 (looked at eight at a time).
bool IsAscii(std::string_view text);

// The byte offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or nullopt.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

// Number of code points in valid UTF-8 text (continuation bytes are not counted).
size_t CountCodePoints(std::string_view text);

// The longest prefix of `text` with at most `characters` code points; a multi-byte character is
// never cut in two.
std::string_view PrefixOfCharacters(std::string_view text, size_t characters);

// True for a well-formed character that a terminal may act on instead of showing: C0 and C1
// controls, DEL, and the bidirectional overrides and isolates that reorder what follows.
bool IsTerminalControl(std::string_view character);

// "\x1b": one byte as C writes it, for bytes that cannot be shown as they are.
std::string EscapeByte(unsigned char byte);

// `text` as a terminal can show it without acting on it (messages, notes, file names): each
// terminal control becomes a visible escape (\n, \r, \t, \x1b, \u202e) and each byte that is
// not UTF-8 becomes \xHH. Other text, a backslash included, is unchanged.
std::string EscapeForTerminal(std::string_view text);

}  // namespace qemuc

#endif  // QEMUC_UTF8_H_
