// What `qemuc build` and `qemuc check` compile (SPEC §8): each output of a project exactly as
// `qemuc compile PROFILE -O ... --set ... -D ... -f FORMAT` run from the project's directory
// would, so that the two cannot disagree about a byte.
#ifndef QEMUC_PROJECT_BUILD_H_
#define QEMUC_PROJECT_BUILD_H_

#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "environment.h"
#include "project.h"

namespace qemuc {

struct CompiledOutput {
  const ProjectOutput* output = nullptr;
  Diagnostics diagnostics;          // each with a note naming the output it was found for
  std::optional<std::string> text;  // nullopt: it failed, and `diagnostics` say why
  std::vector<std::string> inputs;  // absolute: the project file, the profile and its layers
};

// Compiles `outputs` (of `project`), `jobs` at a time; the result is in their order and does not
// depend on `jobs`. Files shared by several outputs are read once.
std::vector<CompiledOutput> CompileOutputs(const Project& project,
                                           const std::vector<const ProjectOutput*>& outputs,
                                           Environment& environment, unsigned jobs);

// Every input of `compiled`, each once: the files a build must never replace.
std::vector<std::string> AllInputs(const std::vector<CompiledOutput>& compiled);

}  // namespace qemuc

#endif  // QEMUC_PROJECT_BUILD_H_
