// interpolate: ${name} in the strings of the merged profile (SPEC §2.2). Names come from the
// merged `vars` and from -D NAME=VALUE, which wins; a value may refer to other variables;
// "$${" is a literal "${". An undefined or malformed reference is an error at its use, a cycle
// an error at the variable that closes it.
#ifndef QEMUC_INTERPOLATE_H_
#define QEMUC_INTERPOLATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "node.h"
#include "variables.h"  // the syntax it replaces

namespace qemuc {

// README "Security and limits". A variable whose value refers to one that refers to ... nests
// at most this deep.
constexpr size_t kMaxVariableNesting = 32;
// Keys and scalars of the interpolated profile (aliases once per use) and variable values
// together; 4x the 1 MiB file limit, as the parser's budget.
constexpr uint64_t kMaxInterpolatedBytes = 4 * 1024 * 1024;

// -D NAME=VALUE; `range` covers VALUE in the command-line source.
struct Define {
  std::string name;
  std::string value;
  SourceRange range;
};

// The merged tree with every reference replaced, or nullptr after reporting problems. `vars`,
// `overlays` and `extends` are left as they are: they are not strings of the VM.
NodePtr Interpolate(const NodePtr& merged, const std::vector<Define>& defines,
                    Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_INTERPOLATE_H_
