// JSON string literals (RFC 8259), shared by the JSON outputs and the JSON diagnostics.
#ifndef QEMUC_JSON_STRING_H_
#define QEMUC_JSON_STRING_H_

#include <string>
#include <string_view>

namespace qemuc {

// A JSON string literal for valid UTF-8 text: '"', '\\' and control characters escaped (short
// forms where JSON has them, \u00XX otherwise, DEL too), everything else raw.
std::string JsonString(std::string_view text);

}  // namespace qemuc

#endif  // QEMUC_JSON_STRING_H_
