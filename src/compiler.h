// The pipeline of STYLE.md, stage by stage, stopping between stages when there are errors:
// read -> parse -> check -> merge -> lower -> host checks -> invocation.
#ifndef QEMUC_COMPILER_H_
#define QEMUC_COMPILER_H_

#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "emit.h"
#include "file_reader.h"
#include "host_checks.h"

namespace qemuc {

// Where the pipeline reads files and looks at the machine; tests pass in-memory ones.
struct Environment {
  const FileReader& reader;
  const Host& host;
  SourceSet& sources;
};

struct CompileRequest {
  std::string profile;                   // the path as the user gave it
  std::vector<std::string> kernel_args;  // after "--", appended to the profile's cmdline
  bool host_checks = true;
};

// The argv of a profile, or nullopt after reporting why not.
std::optional<Invocation> CompileProfile(const CompileRequest& request, Environment& environment,
                                         Diagnostics& diagnostics);

// Everything compile checks except the host; an abstract profile is not checked for completeness.
bool ValidateProfile(const std::string& profile, Environment& environment,
                     Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_COMPILER_H_
