#include "qemu_values.h"

#include <algorithm>
#include <cstdio>

#include "text.h"

namespace qemuc {

std::string DescribeMaxMemory() {
  return std::to_string(kMaxMemoryMiB / 1024) + "G (" + std::to_string(kMaxMemoryMiB) + " MiB)";
}

bool IsLetter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLetterOrDigit(char c) {
  return IsLetter(c) || IsDigit(c);
}
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool IsSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

bool IsWord(std::string_view text, bool (*first)(char)) {
  if (text.empty() || !first(text[0])) return false;
  return std::all_of(text.begin() + 1, text.end(),
                     [](char c) { return IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-'; });
}

bool IsProfileName(std::string_view name) {
  return IsWord(name, IsLetterOrDigit);
}

bool IsMountTag(std::string_view tag) {
  return IsWord(tag, IsLetter) && tag.size() <= kMaxMountTagBytes;
}

namespace {

bool IsWordCharacter(char c) {
  return IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
}

// "+smap", "-check", "pmu=off".
bool IsCpuFeature(std::string_view feature) {
  if (!feature.empty() && (feature[0] == '+' || feature[0] == '-')) feature.remove_prefix(1);
  const size_t equals = feature.find('=');
  const std::string_view name = feature.substr(0, equals);
  const std::string_view value =
      equals == std::string_view::npos ? "x" : feature.substr(equals + 1);
  const auto word = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), IsWordCharacter);
  };
  return word(name) && word(value);
}

}  // namespace

bool IsCpuModel(std::string_view text) {
  if (!IsWord(CpuModelName(text), IsLetterOrDigit)) return false;
  for (size_t comma = text.find(','); comma != std::string_view::npos;) {
    const size_t next = text.find(',', comma + 1);
    if (!IsCpuFeature(
            text.substr(comma + 1, next == std::string_view::npos ? next : next - comma - 1)))
      return false;
    comma = next;
  }
  return true;
}

std::string_view CpuModelName(std::string_view text) {
  return text.substr(0, text.find(','));
}

std::string DescribeCharacter(char c) {
  switch (c) {
    case '\n':
      return "a newline";
    case '\r':
      return "a carriage return";
    case '\t':
      return "a tab";
    case ' ':
      return "a space";
    default:
      break;
  }
  if (!IsControl(c)) return Quoted(std::string(1, c));
  char hex[8];
  std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
  return std::string("the control character ") + hex;
}

Ipv4 ParseIpv4(std::string_view text) {
  Ipv4 result;
  uint32_t address = 0;
  size_t start = 0;
  for (int octet = 0; octet < 4; ++octet) {
    const size_t end = octet < 3 ? text.find('.', start) : text.size();
    if (end == std::string_view::npos) return {};
    const std::string_view digits = text.substr(start, end - start);
    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), IsDigit))
      return {};
    result.leading_zero = result.leading_zero || (digits.size() > 1 && digits[0] == '0');
    const uint32_t value = static_cast<uint32_t>(std::stoi(std::string(digits)));
    if (value > 255) return {};
    address = address << 8 | value;
    start = end + 1;
  }
  if (!result.leading_zero) result.address = address;
  return result;
}

std::string FormatIpv4(uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string(address >> 16 & 0xff) + "." +
         std::to_string(address >> 8 & 0xff) + "." + std::to_string(address & 0xff);
}

std::string LeadingZeroHint(const Ipv4& parsed) {
  return parsed.leading_zero ? " (no leading zeros: QEMU reads 010 as octal 8)" : "";
}

std::optional<int> ParsePrefix(std::string_view text) {
  if (text.empty() || text.size() > 2 || !std::all_of(text.begin(), text.end(), IsDigit) ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  const int prefix = std::stoi(std::string(text));
  return prefix <= 32 ? std::optional<int>(prefix) : std::nullopt;
}

std::optional<std::array<uint8_t, 6>> ParseMac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  std::array<uint8_t, 6> mac{};
  for (size_t i = 0; i < mac.size(); ++i) {
    const int high = HexValue(text[3 * i]);
    const int low = HexValue(text[3 * i + 1]);
    if (high < 0 || low < 0 || (i + 1 < mac.size() && text[3 * i + 2] != ':')) return std::nullopt;
    mac[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return mac;
}

std::optional<int> ParsePciAddress(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view slot = text.substr(0, dot);
  if (slot.empty() || slot.size() > 2 ||
      !std::all_of(slot.begin(), slot.end(), [](char c) { return HexValue(c) >= 0; })) {
    return std::nullopt;
  }
  const int slot_number =
      slot.size() == 1 ? HexValue(slot[0]) : HexValue(slot[0]) * 16 + HexValue(slot[1]);
  int function = 0;
  if (dot != std::string_view::npos) {
    const std::string_view digits = text.substr(dot + 1);
    if (digits.size() != 1 || digits[0] < '0' || digits[0] > '7') return std::nullopt;
    function = digits[0] - '0';
  }
  if (slot_number > 0x1f) return std::nullopt;
  return slot_number << 3 | function;
}

}  // namespace qemuc
