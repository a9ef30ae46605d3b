// invocation: Config -> argv, in the seed's order and spelling (SPEC §5).
#ifndef QEMUC_INVOCATION_H_
#define QEMUC_INVOCATION_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "unit_settings.h"

namespace qemuc {

// A compiled profile: what every output format is made from.
struct Invocation {
  std::string name;                  // the profile's name
  std::vector<std::string> sources;  // the files it was built from, as the user named them
  std::vector<std::string> argv;     // CreateInvocation(config, kernel_args); argv[0]: the binary
  UnitSettings unit;                 // for --format systemd
  // What argv was made from, so that an emitter that needs another argv asks CreateQemuArgv for
  // it instead of editing this one (systemd: a Config with its QMP socket set).
  Config config;
  std::vector<std::string> kernel_args;
};

// The invocation of a profile: its argv made from `config` and `kernel_args`, which it keeps.
Invocation MakeInvocation(std::string name, std::vector<std::string> sources, Config config,
                          std::vector<std::string> kernel_args, UnitSettings unit);

// Where a value lies in an argv: bytes [offset, offset + size) of argv[argument].
struct ArgvSpan {
  size_t argument = 0;
  size_t offset = 0;
  size_t size = 0;
};

// An argv, and where config.stop_socket was written into it (',' doubled), so that an emitter can
// spell that one path its own way: a systemd unit names its runtime directory with a live %t.
struct QemuArgv {
  std::vector<std::string> argv;
  std::optional<ArgvSpan> stop_socket;  // unset: no stop socket
};

// The QEMU argv for `config`; `kernel_args` become -append (the seed's cmdlineArgs).
QemuArgv CreateQemuArgv(const Config& config, const std::vector<std::string>& kernel_args);

// CreateQemuArgv's argv alone.
std::vector<std::string> CreateInvocation(const Config& config,
                                          const std::vector<std::string>& kernel_args);

// A value inside a QEMU "key=value,..." option string, with ',' written ",," (SPEC §5 difference
// 1).
std::string OptionValue(std::string_view value);

}  // namespace qemuc

#endif  // QEMUC_INVOCATION_H_
