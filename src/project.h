// The project file (SPEC §8): `qemuc.yaml` at the top of a repository of boards names the
// profiles `qemuc check` validates (globs) and the outputs `qemuc build` writes. Read as strictly
// as a profile: one YAML document, its own keys only, every problem at its file:line:col. Paths in
// it are relative to its directory; the commands that use it run from there (cli_project.cc).
#ifndef QEMUC_PROJECT_H_
#define QEMUC_PROJECT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler.h"
#include "diagnostic.h"
#include "environment.h"
#include "glob.h"
#include "output_format.h"

namespace qemuc {

// One glob of `profiles:`, with its place for "matches nothing".
struct ProfilePattern {
  std::string pattern;
  SourceRange at;
  // The byte of the project file where the pattern's text starts, when the text is written as
  // it reads (a plain scalar), so that an error can point into it; else Node::kNoOffset.
  size_t offset = Node::kNoOffset;
};

// One item of `outputs:`: the file `qemuc build` writes, and the compile that makes it.
struct ProjectOutput {
  std::string file;  // as written, relative to the project's directory
  SourceRange file_at;
  const OutputFormat* format = nullptr;
  ProfileRequest request;  // profile, overlays, set and defines, as compile's -O, --set, -D
  SourceRange profile_at;
  bool host_checks = false;  // builds run before the files they name exist
};

struct Project {
  const SourceFile* file = nullptr;
  std::vector<ProfilePattern> profiles;
  std::vector<ProjectOutput> outputs;
};

// Reads and checks the project file at `path` (absolute; `display_path` names it in messages).
// Returns nullopt after reporting every problem.
std::optional<Project> LoadProject(const std::string& path, const std::string& display_path,
                                   Environment& environment, Diagnostics& diagnostics);

// The profiles `profiles:` matches (paths relative to the project's directory, which is the
// current one), in the order of the globs, each once; a glob that matches nothing is an error at
// its place. Files named qemuc.yaml are project files, never matched.
struct ProfileMatches {
  std::vector<std::string> paths;
  std::vector<SeenInode> inodes;  // inodes[i]: of paths[i], as the glob saw it
};
ProfileMatches ProjectProfiles(const Project& project, const DirectoryLister& lister,
                               Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_PROJECT_H_
