// What the commands that take the project file share (build, check, graph, list): finding it.
#ifndef QEMUC_CLI_PROJECT_H_
#define QEMUC_CLI_PROJECT_H_

#include <optional>

#include "cli_support.h"
#include "project.h"

namespace qemuc {

// Finds qemuc.yaml in the current directory or the nearest parent (as git finds .git), starting
// from -C DIR when given, makes its directory the current one, and reads it: from then on, its
// relative paths mean what they say, and output matches `qemuc compile` run there. Returns
// nullopt after reporting why not.
std::optional<Project> OpenProject(const CommandLine& line, Environment& environment,
                                   Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_CLI_PROJECT_H_
