#include "host_checks.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "paths.h"
#include "text.h"

namespace qemuc {
namespace {

std::optional<std::string> FindInSearchPath(const std::string& name, const Host& host) {
  const std::string search_path = host.SearchPath();
  size_t start = 0;
  for (;;) {
    const size_t end = std::min(search_path.find(':', start), search_path.size());
    // An empty PATH entry means the current directory, as for execvp.
    const std::string directory = end == start ? "." : search_path.substr(start, end - start);
    const std::string candidate = directory + "/" + name;
    if (!host.FileProblem(candidate) && host.IsExecutable(candidate))
      return AbsolutePath(candidate);
    if (end == search_path.size()) return std::nullopt;
    start = end + 1;
  }
}

// The binary to run: a bare name found in PATH, made absolute, or the path as written; nullopt
// after reporting why there is none.
std::optional<std::string> CheckBinary(const LoweredProfile& profile, const Host& host,
                                       Diagnostics& diagnostics) {
  const std::string& binary = profile.config.binary;
  if (profile.binary_is_bare) {
    std::optional<std::string> found = FindInSearchPath(binary, host);
    if (!found) {
      diagnostics
          .Error(profile.binary_range, "QEMU binary " + Quoted(binary) + " not found in PATH")
          .notes.push_back({"install QEMU or set qemu.binary to its path (compile --no-host-checks "
                            "skips this check)",
                            {}});
    }
    return found;
  }
  if (const std::optional<std::string> problem = host.FileProblem(binary)) {
    diagnostics.Error(profile.binary_range, "QEMU binary " + binary + ": " + *problem);
    return std::nullopt;
  }
  if (!host.IsExecutable(binary)) {
    diagnostics.Error(profile.binary_range, "QEMU binary " + binary + " is not executable");
    return std::nullopt;
  }
  return binary;
}

}  // namespace

std::optional<std::string> RealHost::FileProblem(const std::string& path) const {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::string(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return std::string("is a directory");
  if (!S_ISREG(info.st_mode) && !S_ISBLK(info.st_mode)) return std::string("is not a regular file");
  return std::nullopt;
}

std::optional<std::string> RealHost::WritableFileProblem(const std::string& path) const {
  if (std::optional<std::string> problem = FileProblem(path)) return problem;
  if (access(path.c_str(), W_OK) != 0)
    return "not writable (" + std::string(std::strerror(errno)) + ")";
  return std::nullopt;
}

bool RealHost::IsExecutable(const std::string& path) const {
  return access(path.c_str(), X_OK) == 0;
}

std::string RealHost::SearchPath() const {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
}

std::string RealHost::ReplaceProcess(const std::vector<std::string>& argv) const {
  std::vector<char*> pointers;
  for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  execv(pointers[0], pointers.data());
  return std::strerror(errno);
}

std::optional<std::string> CheckHost(const LoweredProfile& profile, const Host& host,
                                     Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  const size_t first = diagnostics.size();
  const std::optional<std::string> binary = CheckBinary(profile, host, diagnostics);
  for (const FileUse& use : profile.files) {
    const std::optional<std::string> problem = use.access == FileAccess::kReadWrite
                                                   ? host.WritableFileProblem(use.path)
                                                   : host.FileProblem(use.path);
    if (problem) {
      diagnostics.Error(use.range, use.role + " " + use.path + ": " + *problem);
    }
  }
  diagnostics.SortSince(first);
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return binary;
}

}  // namespace qemuc
