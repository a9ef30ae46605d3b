// emit_{shell,json,args}: argv -> the text of one output format (SPEC §6). Pure functions; what
// an emitter cannot represent is an error, never a silently changed argument.
#ifndef QEMUC_EMIT_H_
#define QEMUC_EMIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "json_string.h"

namespace qemuc {

struct Invocation {
  std::string name;                  // the profile's name
  std::vector<std::string> sources;  // the files it was built from, as the user named them
  std::vector<std::string> argv;     // argv[0] is the QEMU binary
};

struct Emitted {
  std::string text;
  std::string error;  // non-empty: nothing may be written
};

Emitted EmitShell(const Invocation& invocation);
Emitted EmitJson(const Invocation& invocation);
Emitted EmitArgs(const Invocation& invocation);

// One shell word that the shell reads back as exactly `word` (bare or single-quoted).
std::string ShellQuote(std::string_view word);

}  // namespace qemuc

#endif  // QEMUC_EMIT_H_
