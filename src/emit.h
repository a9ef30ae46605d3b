// emit_{shell,json,args}: argv -> the text of one output format (SPEC §6). Pure functions; what
// an emitter cannot represent is an error, never a silently changed argument.
#ifndef QEMUC_EMIT_H_
#define QEMUC_EMIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "invocation.h"

namespace qemuc {

struct Emitted {
  std::string text;
  std::string error;  // non-empty: nothing may be written
};

Emitted EmitShell(const Invocation& invocation);
// A service unit that runs QEMU (SPEC §6) with `invocation.unit`; every argument double-quoted
// and escaped so that systemd hands QEMU exactly these bytes. `qemuc_path`: this qemuc,
// absolute, whose qmp-powerdown ExecStop= runs when the unit stops gracefully. Such a unit runs
// the argv of invocation.config with a QMP socket: the profile's config.qmp when set, else
// config.stop_socket, else %t/qemuc-NAME.qmp in its runtime directory, asked of CreateQemuArgv,
// never spliced in.
Emitted EmitSystemd(const Invocation& invocation, std::string_view qemuc_path);
Emitted EmitJson(const Invocation& invocation);
Emitted EmitArgs(const Invocation& invocation);

// One ExecStart= argument that systemd hands the program as exactly `argument`: double-quoted,
// with \\ \" %% $$ \n \t \r, and \xHH for other control bytes and bytes that are not UTF-8.
std::string SystemdArgument(std::string_view argument);

// One shell word that the shell reads back as exactly `word` (bare or single-quoted).
std::string ShellQuote(std::string_view word);

}  // namespace qemuc

#endif  // QEMUC_EMIT_H_
