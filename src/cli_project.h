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

// -C DIR, for every command that opens the project file.
void AddDirectoryOption(po::options_description& options);

// What graph and list work on when given no PROFILE: the profiles the project's globs match,
// then the profiles of its outputs that they do not, each once. Nullopt after reporting why
// there are none (no project file, or one with errors).
struct ProjectProfileSet {
  Project project;
  std::vector<std::string> profiles;
};
std::optional<ProjectProfileSet> OpenProjectProfiles(const CommandLine& line,
                                                     Environment& environment,
                                                     Diagnostics& diagnostics);

// A usage error when `command` got both PROFILE arguments and -C DIR, which is for the project.
void RefuseDirectoryWithProfiles(const CommandLine& line, const std::string& command);

}  // namespace qemuc

#endif  // QEMUC_CLI_PROJECT_H_
