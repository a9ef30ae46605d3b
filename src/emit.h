// emit_{shell,json,args}: argv -> the text of one output format (SPEC §6). Pure functions; what
// an emitter cannot represent is an error, never a silently changed argument.
#ifndef QEMUC_EMIT_H_
#define QEMUC_EMIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "json_string.h"

namespace qemuc {

// What a systemd unit says beyond the argv (the profile's `systemd:` keys, SPEC §6).
struct UnitSettings {
  std::string description;  // the profile's own; empty: from its name and description
  std::string user;
  std::string group;
  std::string restart = "on-failure";
  int64_t restart_sec = 5;
  std::vector<std::string> after;
  std::vector<std::string> wants;
  std::string wanted_by = "multi-user.target";
  int64_t stop_timeout = 90;
  bool hardening = true;
  bool graceful_stop = false;
  bool kvm = false;                               // DeviceAllow=/dev/kvm
  bool tap = false;                               // /dev/net/tun, and after network-online.target
  std::vector<std::string> writable_directories;  // of the drive files
};

struct Invocation {
  std::string name;                  // the profile's name
  std::vector<std::string> sources;  // the files it was built from, as the user named them
  std::vector<std::string> argv;     // argv[0] is the QEMU binary
  UnitSettings unit;                 // for --format systemd
};

struct Emitted {
  std::string text;
  std::string error;  // non-empty: nothing may be written
};

Emitted EmitShell(const Invocation& invocation);
// A service unit that runs QEMU (SPEC §6) with `invocation.unit`; every argument double-quoted
// and escaped so that systemd hands QEMU exactly these bytes. `qemuc_path`: this qemuc,
// absolute, whose qmp-powerdown ExecStop= runs when the unit stops gracefully.
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
