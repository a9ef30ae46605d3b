#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "paths.h"

namespace qemuc {
namespace {

std::string WriteAll(int fd, const std::string& contents) {
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::strerror(errno);
    written += static_cast<size_t>(n);
  }
  return "";
}

}  // namespace

std::string WriteFileAtomically(const std::string& path, const std::string& contents,
                                bool executable) {
  // Renaming over a device, FIFO or directory would replace it (as root, /dev/full would become
  // a plain file): only regular files are generated files.
  struct stat existing {};
  if (stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    return "not a regular file; -o writes generated files only";
  }
  const std::string directory = DirectoryOf(path).empty() ? "." : DirectoryOf(path);
  std::string name = directory + "/.qemuc-XXXXXX";
  std::vector<char> temporary(name.begin(), name.end());
  temporary.push_back('\0');
  const int fd = mkstemp(temporary.data());
  if (fd < 0) return std::strerror(errno);
  const std::string temporary_path(temporary.data());
  // SPEC §4: a launch script is mode 0755 whatever the umask, so that it runs for its users.
  const mode_t mode = executable ? 0755 : 0644;
  std::string error = WriteAll(fd, contents);
  if (error.empty() && fchmod(fd, mode) != 0) error = std::strerror(errno);
  if (error.empty() && fsync(fd) != 0) error = std::strerror(errno);
  if (close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && rename(temporary_path.c_str(), path.c_str()) != 0)
    error = std::strerror(errno);
  if (!error.empty()) unlink(temporary_path.c_str());
  return error;
}

}  // namespace qemuc
