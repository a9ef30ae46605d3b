// Small text helpers shared by the stages that write messages.
#ifndef QEMUC_TEXT_H_
#define QEMUC_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "utf8.h"

namespace qemuc {

// A value named in a message is cut after this many characters: each line stays bounded, however
// long the key, name or path (3,000 long keys wrote 115 MB of errors).
constexpr size_t kMaxQuotedCharacters = 80;

// 'text', as messages name keys, values and paths; a longer one as 'its first 80 characters...'.
inline std::string Quoted(std::string_view text) {
  const std::string_view shown = PrefixOfCharacters(text, kMaxQuotedCharacters);
  return "'" + std::string(shown) + (shown.size() < text.size() ? "...'" : "'");
}

// {"a", "b", "c"} -> "a, b or c": the choices a message offers.
inline std::string JoinChoices(const std::vector<std::string_view>& choices) {
  std::string text;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += choices[i];
  }
  return text;
}

}  // namespace qemuc

#endif  // QEMUC_TEXT_H_
