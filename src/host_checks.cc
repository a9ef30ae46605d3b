#include "host_checks.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
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

// What is wrong with a path the profile names, as its use says (lowered_profile.h); nullopt
// when nothing is.
std::optional<std::string> PathProblem(const FileUse& use, const Host& host) {
  switch (use.expect) {
    case PathUse::kFile:
      return host.FileProblem(use.path);
    case PathUse::kWritableFile:
      return host.WritableFileProblem(use.path);
    case PathUse::kDirectory:
      return host.DirectoryProblem(use.path);
    case PathUse::kInDirectory:
    case PathUse::kSocket: {
      const std::string directory = DirectoryOf(use.path);
      if (const std::optional<std::string> problem = host.DirectoryProblem(directory))
        return "its directory " + directory + ": " + *problem;
      // QEMU can neither open a directory as the log nor bind a socket over one.
      const bool is_directory = !host.DirectoryProblem(use.path);
      if (is_directory) return std::string("is a directory");
      if (use.expect == PathUse::kSocket) return host.SocketProblem(use.path);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> RealHost::FileProblem(const std::string& path) const {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::string(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return std::string("is a directory");
  if (!S_ISREG(info.st_mode) && !S_ISBLK(info.st_mode)) return std::string("is not a regular file");
  return std::nullopt;
}

std::optional<std::string> RealHost::DirectoryProblem(const std::string& path) const {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return std::string(std::strerror(errno));
  if (!S_ISDIR(info.st_mode)) return std::string("is not a directory");
  return std::nullopt;
}

// lstat: QEMU unlinks the path itself, so a link to a socket would be deleted, not followed.
// Another error (no search permission) is QEMU's to report when it starts.
std::optional<std::string> RealHost::SocketProblem(const std::string& path) const {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0 || S_ISSOCK(info.st_mode)) return std::nullopt;
  return std::string("is there and is not a socket; QEMU would delete it to make its socket");
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

namespace {

// The signals RunProcess passes on: those with which a terminal, a service manager or a user ends
// a program.
constexpr std::array<int, 3> kForwardedSignals = {SIGINT, SIGTERM, SIGHUP};

// The child RunProcess waits for, read by the handler (a pid fits: sig_atomic_t is an int here).
volatile sig_atomic_t forward_to = 0;

void ForwardSignal(int signal_number) {
  const int saved = errno;
  if (forward_to > 0) kill(forward_to, signal_number);
  errno = saved;
}

// Signal handlers that pass the forwarded signals on to `forward_to`, for as long as they live.
// A signal ignored here stays ignored, as it would had the program been started in our place.
class SignalForwarding {
 public:
  SignalForwarding() {
    struct sigaction forward {};
    forward.sa_handler = ForwardSignal;
    sigemptyset(&forward.sa_mask);
    forward.sa_flags = SA_RESTART;
    for (size_t i = 0; i < kForwardedSignals.size(); ++i) {
      sigaction(kForwardedSignals[i], nullptr, &previous_[i]);
      if (previous_[i].sa_handler != SIG_IGN) sigaction(kForwardedSignals[i], &forward, nullptr);
    }
  }
  ~SignalForwarding() {
    forward_to = 0;
    for (size_t i = 0; i < kForwardedSignals.size(); ++i)
      sigaction(kForwardedSignals[i], &previous_[i], nullptr);
  }
  SignalForwarding(const SignalForwarding&) = delete;
  SignalForwarding& operator=(const SignalForwarding&) = delete;

 private:
  std::array<struct sigaction, kForwardedSignals.size()> previous_{};
};

int ShellStatus(int wait_status) {
  return WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

}  // namespace

// The forwarded signals are blocked from before the child starts until its pid is known, so that
// none arriving in between is lost; the child gets the mask as it was (posix_spawn's attribute).
ProcessEnd RealHost::RunProcess(const std::vector<std::string>& argv) const {
  std::vector<char*> pointers;
  for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  sigset_t forwarded;
  sigset_t original;
  sigemptyset(&forwarded);
  for (const int signal_number : kForwardedSignals) sigaddset(&forwarded, signal_number);
  sigprocmask(SIG_BLOCK, &forwarded, &original);
  pid_t child = 0;
  int error = 0;
  {
    SignalForwarding forwarding;
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setsigmask(&attributes, &original);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    error = posix_spawn(&child, pointers[0], nullptr, &attributes, pointers.data(), environ);
    posix_spawnattr_destroy(&attributes);
    if (error == 0) {
      forward_to = child;
      sigprocmask(SIG_SETMASK, &original, nullptr);  // a signal that came meanwhile is passed on
      int wait_status = 0;
      while (waitpid(child, &wait_status, 0) < 0) {
        if (errno != EINTR) return {0, std::strerror(errno)};
      }
      return {ShellStatus(wait_status), ""};
    }
  }
  sigprocmask(SIG_SETMASK, &original, nullptr);
  return {0, std::strerror(error)};
}

std::optional<std::string> CheckHost(const LoweredProfile& profile, const Host& host,
                                     Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  const size_t first = diagnostics.size();
  const std::optional<std::string> binary = CheckBinary(profile, host, diagnostics);
  for (const FileUse& use : profile.files) {
    if (const std::optional<std::string> problem = PathProblem(use, host)) {
      diagnostics.Error(use.range, use.role + " " + use.path + ": " + *problem);
    }
  }
  diagnostics.SortSince(first);
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return binary;
}

}  // namespace qemuc
