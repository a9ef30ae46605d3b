// Where `qemuc build` may write (SPEC §8, README "Security and limits"): the outputs of a
// project file that a pull request may have changed. Only inside the project's directory, with
// every symbolic link followed; never over a file the run reads or a profile the globs match;
// never two outputs into one file, however they spell it. `check` reports the same refusals.
#ifndef QEMUC_PROJECT_OUTPUTS_H_
#define QEMUC_PROJECT_OUTPUTS_H_

#include <map>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "output_file.h"
#include "project.h"

namespace qemuc {

// Why `output` cannot be written, or "": not inside `project_root` (the real path of the
// project's directory) once links are followed, not a regular file, or one of `inputs`.
// Relative paths are relative to the current directory, the project's.
std::string WhyOutputUnwritable(const ProjectOutput& output, const std::string& project_root,
                                const InputFiles& inputs);

// Outputs of one run, by the file each lands in (links followed, the directory's real path):
// two outputs naming one file by different paths (a linked directory) are an error.
class OutputLandings {
 public:
  // Records where `output` lands; false, reported at it, when an earlier output lands there.
  bool Add(const ProjectOutput& output, Diagnostics& diagnostics);

 private:
  std::map<std::string, const ProjectOutput*> landed_;
};

// The profiles that may be the file of one of `outputs`: those whose inode number, as the glob
// saw it, is that of an existing output's file, or unknown. Only these need a stat to be told
// apart by InputFiles: a run has a few outputs and up to 100,000 profiles, and a stat of each
// was a third of a warm check. In the order of `profiles`.
std::vector<std::string> ProfilesOutputsMayBe(const ProfileMatches& profiles,
                                              const std::vector<const ProjectOutput*>& outputs);

// `path` (absolute) with every symbolic link of its existing part followed, and the part that
// does not exist yet appended: where a write would land.
std::string RealLocation(const std::string& path);

}  // namespace qemuc

#endif  // QEMUC_PROJECT_OUTPUTS_H_
