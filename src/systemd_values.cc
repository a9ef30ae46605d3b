#include "systemd_values.h"

#include <array>
#include <cstdint>

namespace qemuc {
namespace {

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

// systemd's VALID_CHARS of unit-name.c.
bool IsUnitNameCharacter(char c) {
  return IsAsciiLetter(c) || IsAsciiDigit(c) || c == ':' || c == '-' || c == '_' || c == '.' ||
         c == '\\';
}

bool IsBlank(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7F;
}

constexpr std::array<std::string_view, 11> kUnitTypes = {"service", "socket",    "target", "device",
                                                         "mount",   "automount", "swap",   "timer",
                                                         "path",    "slice",     "scope"};

bool IsNumericId(std::string_view text) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) return false;
  uint64_t id = 0;
  for (const char c : text) {
    if (!IsAsciiDigit(c)) return false;
    id = id * 10 + static_cast<uint64_t>(c - '0');
  }
  // (uid_t) -1 and the 16-bit -1 are not ids (parse_uid()).
  return id < 4294967295u && id != 65535;
}

}  // namespace

bool IsSystemdUnitName(std::string_view name) {
  if (name.empty() || name.size() >= 256) return false;
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  bool known_type = false;
  for (const std::string_view type : kUnitTypes)
    known_type = known_type || name.substr(dot + 1) == type;
  if (!known_type) return false;
  const std::string_view prefix = name.substr(0, dot);
  const size_t at = prefix.find('@');
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (i != at && !IsUnitNameCharacter(prefix[i])) return false;
  }
  // A template ("name@.service") names no unit that can be ordered after or wanted.
  return at == std::string_view::npos || (at > 0 && at + 1 < prefix.size());
}

bool IsSystemdUserOrGroup(std::string_view name) {
  if (IsNumericId(name)) return true;
  if (name.empty() || name.size() > 31 || (!IsAsciiLetter(name[0]) && name[0] != '_')) return false;
  for (const char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string SystemdDescription(std::string_view text) {
  std::string description;
  bool blank = false;
  for (const char c : text) {
    if (IsBlank(c)) {
      blank = true;
      continue;
    }
    if (blank && !description.empty()) description += ' ';
    blank = false;
    if (c == '%') description += '%';
    description += c;
  }
  // A line that ends in a backslash continues on the next line. After a space it does not (the
  // space ends the escape), and systemd trims the space from the value: the backslash is kept.
  if (!description.empty() && description.back() == '\\') description += ' ';
  return description;
}

}  // namespace qemuc
