#include "project_outputs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "output_file.h"
#include "paths.h"
#include "text.h"
#include "utf8.h"

namespace qemuc {
namespace {

// realpath(3), or "" when `path` does not resolve.
std::string RealPath(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return "";
  std::string result(real);
  free(real);
  return result;
}

bool IsInside(const std::string& path, const std::string& root) {
  return root == "/" ? !path.empty() && path[0] == '/'
                     : path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                           path[root.size()] == '/';
}

}  // namespace

std::string RealLocation(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path existing(path);
  fs::path missing;
  while (!existing.empty() && existing != existing.root_path()) {
    const std::string real = RealPath(existing.string());
    if (!real.empty()) return ResolveAgainst(real, missing.string());
    missing = existing.filename() / missing;
    existing = existing.parent_path();
  }
  return ResolveAgainst("/", missing.string());
}

std::string WhyOutputUnwritable(const ProjectOutput& output, const std::string& project_root,
                                const InputFiles& inputs) {
  const OutputTarget target = ResolveOutputTarget(output.file);
  if (!target.error.empty()) return target.error;
  const std::string landing = RealLocation(AbsolutePath(target.path));
  if (!IsInside(landing, project_root)) {
    return "it leads outside the project's directory, to " + landing +
           " (qemuc build writes only inside the directory of qemuc.yaml)";
  }
  if (target.exists) {
    if (const std::optional<std::string> input = inputs.Find(target.path)) {
      return "it is an input of this run (" + EscapeForTerminal(*input) + ")";
    }
  }
  return "";
}

std::vector<std::string> ProfilesOutputsMayBe(const ProfileMatches& profiles,
                                              const std::vector<const ProjectOutput*>& outputs) {
  std::vector<ino_t> output_inodes;
  for (const ProjectOutput* output : outputs) {
    const OutputTarget target = ResolveOutputTarget(output->file);
    struct stat info {};
    if (target.exists && stat(target.path.c_str(), &info) == 0) {
      output_inodes.push_back(info.st_ino);
    }
  }
  std::sort(output_inodes.begin(), output_inodes.end());
  std::vector<std::string> candidates;
  for (size_t i = 0; i < profiles.paths.size(); ++i) {
    const SeenInode& inode = profiles.inodes[i];
    if (!inode || std::binary_search(output_inodes.begin(), output_inodes.end(), *inode)) {
      candidates.push_back(profiles.paths[i]);
    }
  }
  return candidates;
}

bool OutputLandings::Add(const ProjectOutput& output, Diagnostics& diagnostics) {
  const OutputTarget target = ResolveOutputTarget(AbsolutePath(output.file));
  if (!target.error.empty()) return true;  // not written anyway; reported as such
  const auto [first, added] = landed_.emplace(RealLocation(target.path), &output);
  if (added) return true;
  diagnostics
      .Error(output.file_at, "two outputs write one file: " + Quoted(output.file) + " is " +
                                 Quoted(first->second->file) + " by another path")
      .notes.push_back({"the first output writing it is at", first->second->file_at});
  return false;
}

}  // namespace qemuc
