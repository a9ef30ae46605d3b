// invocation: Config -> argv, in the seed's order and spelling (SPEC §5).
#ifndef QEMUC_INVOCATION_H_
#define QEMUC_INVOCATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "config.h"

namespace qemuc {

// The QEMU argv for `config`; `kernel_args` become -append (the seed's cmdlineArgs).
std::vector<std::string> CreateInvocation(const Config& config,
                                          const std::vector<std::string>& kernel_args);

// A value inside a QEMU "key=value,..." option string, with ',' written ",," (SPEC §5 difference
// 1).
std::string OptionValue(std::string_view value);

}  // namespace qemuc

#endif  // QEMUC_INVOCATION_H_
