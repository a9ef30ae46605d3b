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

// "qemu" + "cpus" -> "qemu.cpus": the dotted key paths that messages and origins name.
inline std::string JoinKeyPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

}  // namespace qemuc

#endif  // QEMUC_TEXT_H_
