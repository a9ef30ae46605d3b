// Small text helpers shared by the stages that write messages.
#ifndef QEMUC_TEXT_H_
#define QEMUC_TEXT_H_

#include <string>
#include <string_view>

namespace qemuc {

// 'text', as messages name keys, values and paths.
inline std::string Quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace qemuc

#endif  // QEMUC_TEXT_H_
