#include "utf8.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace qemuc {

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!IsUtf8Continuation(byte(k))) return 0;
  }
  return length;
}

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080u;

uint64_t WordAt(std::string_view text, size_t i) {
  uint64_t word = 0;
  std::memcpy(&word, text.data() + i, sizeof(word));
  return word;
}

// The first index from i on that may hold a byte past ASCII, skipping eight ASCII bytes at a
// time: the strings of a profile are nearly all ASCII, and a byte-by-byte look was most of the
// cost of validating them.
size_t SkipAscii(std::string_view text, size_t i) {
  while (i + sizeof(uint64_t) <= text.size() && (WordAt(text, i) & kHighBits) == 0) {
    i += sizeof(uint64_t);
  }
  return i;
}

}  // namespace

bool IsAscii(std::string_view text) {
  for (size_t i = SkipAscii(text, 0); i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  for (size_t i = SkipAscii(text, 0); i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      i = SkipAscii(text, i + 1);
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  size_t i = 0;
  for (; i + sizeof(uint64_t) <= text.size(); i += sizeof(uint64_t)) {
    // A continuation byte, 10xxxxxx, has its top bit set and the next one clear; shifting left
    // by one moves each byte's bit 6 onto its own bit 7.
    const uint64_t word = WordAt(text, i);
    const uint64_t continuations = word & ~(word << 1) & kHighBits;
    count += sizeof(uint64_t) - static_cast<size_t>(__builtin_popcountll(continuations));
  }
  for (; i < text.size(); ++i) {
    if (!IsUtf8Continuation(static_cast<unsigned char>(text[i]))) ++count;
  }
  return count;
}

std::string_view PrefixOfCharacters(std::string_view text, size_t characters) {
  size_t end = 0;
  for (size_t seen = 0; end < text.size(); ++end) {
    if (IsUtf8Continuation(static_cast<unsigned char>(text[end]))) continue;
    if (seen++ == characters) break;
  }
  return text.substr(0, end);
}

namespace {

// The code point of a well-formed sequence.
uint32_t CodePoint(std::string_view character) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(character[i]); };
  if (character.size() == 1) return byte(0);
  uint32_t point = byte(0) & (0x7Fu >> character.size());
  for (size_t i = 1; i < character.size(); ++i) point = point << 6 | (byte(i) & 0x3Fu);
  return point;
}

// "\\u202e": a character past ASCII, by its code point.
std::string EscapeCodePoint(uint32_t point) {
  if (point < 0x80) return EscapeByte(static_cast<unsigned char>(point));
  char escape[16];
  std::snprintf(escape, sizeof escape, "\\u%04x", point);
  return escape;
}

}  // namespace

std::string EscapeByte(unsigned char byte) {
  char escape[8];
  std::snprintf(escape, sizeof escape, "\\x%02x", byte);
  return escape;
}

bool IsTerminalControl(std::string_view character) {
  const uint32_t point = CodePoint(character);
  return point < 0x20 || (point >= 0x7F && point <= 0x9F) || (point >= 0x202A && point <= 0x202E) ||
         (point >= 0x2066 && point <= 0x2069);
}

std::string EscapeForTerminal(std::string_view text) {
  std::string shown;
  shown.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      shown += EscapeByte(static_cast<unsigned char>(text[i++]));
      continue;
    }
    const std::string_view character = text.substr(i, length);
    i += length;
    if (!IsTerminalControl(character)) {
      shown += character;
    } else if (character == "\n") {
      shown += "\\n";
    } else if (character == "\r") {
      shown += "\\r";
    } else if (character == "\t") {
      shown += "\\t";
    } else {
      shown += EscapeCodePoint(CodePoint(character));
    }
  }
  return shown;
}

}  // namespace qemuc
