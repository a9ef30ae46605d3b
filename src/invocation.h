// invocation: Config -> argv, in the seed's order and spelling (SPEC §5).
#ifndef QEMUC_INVOCATION_H_
#define QEMUC_INVOCATION_H_

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
  std::vector<std::string> argv;     // argv[0] is the QEMU binary
  UnitSettings unit;                 // for --format systemd
};

// The QEMU argv for `config`; `kernel_args` become -append (the seed's cmdlineArgs).
std::vector<std::string> CreateInvocation(const Config& config,
                                          const std::vector<std::string>& kernel_args);

// A value inside a QEMU "key=value,..." option string, with ',' written ",," (SPEC §5 difference
// 1).
std::string OptionValue(std::string_view value);

}  // namespace qemuc

#endif  // QEMUC_INVOCATION_H_
