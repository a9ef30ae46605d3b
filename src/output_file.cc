#include "output_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "posix_file.h"
#include "unified_diff.h"
#include "utf8.h"

namespace qemuc {
namespace {

// A stale file this much larger than the new text is not read for --check's diff: no edit of the
// output grows it by a MiB, and the diff of a huge file would flood the terminal.
constexpr size_t kCheckSlackBytes = 1024 * 1024;

// Linux gives up on a lookup after 40 links (ELOOP); so does -o.
constexpr int kMaxLinksFollowed = 40;

// The temporary file of the write in progress, for the signal handler: a fixed buffer and a flag
// because a handler may only touch lock-free state and call async-signal-safe functions.
char pending_temporary[PATH_MAX];
volatile std::sig_atomic_t has_pending_temporary = 0;

extern "C" void RemoveTemporaryAndEnd(int signal_number) {
  if (has_pending_temporary) unlink(pending_temporary);
  // Ended by the signal itself, so the parent's wait status says which signal it was.
  std::signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// The signals whose default action would end the process in the middle of a write.
constexpr int kHandledSignals[] = {SIGHUP, SIGINT, SIGTERM, SIGXFSZ};

sigset_t HandledSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (const int signal_number : kHandledSignals) sigaddset(&signals, signal_number);
  return signals;
}

// Holds back the signals above while the temporary file and the flag disagree: between mkstemp
// and recording the name, and between the rename and clearing it.
class SignalsHeldBack {
 public:
  SignalsHeldBack() {
    const sigset_t handled = HandledSignals();
    pthread_sigmask(SIG_BLOCK, &handled, &saved_);
  }
  ~SignalsHeldBack() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  SignalsHeldBack(const SignalsHeldBack&) = delete;
  SignalsHeldBack& operator=(const SignalsHeldBack&) = delete;

 private:
  sigset_t saved_;
};

std::string DirectoryPart(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The file a link names: its target as written, relative to the link's own directory. Joined
// as text, not normalised: the kernel resolves ".." after the links before it, as the link means.
std::optional<std::string> LinkTarget(const std::string& link) {
  char target[PATH_MAX];
  const ssize_t length = readlink(link.c_str(), target, sizeof target);
  if (length >= 0 && static_cast<size_t>(length) >= sizeof target) errno = ENAMETOOLONG;
  if (length < 0 || static_cast<size_t>(length) >= sizeof target) return std::nullopt;
  const std::string text(target, static_cast<size_t>(length));
  if ((!text.empty() && text[0] == '/') || link.find('/') == std::string::npos) return text;
  const std::string directory = DirectoryPart(link);
  return directory == "/" ? "/" + text : directory + "/" + text;
}

std::string Octal(mode_t mode) {
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
  return octal;
}

OutputTarget Refused(std::string why) {
  return {"", false, std::move(why)};
}

// The buffer of a FileSink: large enough that a write is a rare system call.
constexpr size_t kSinkBufferBytes = 64 * 1024;

std::string WriteAll(int fd, std::string_view contents) {
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::strerror(errno);
    written += static_cast<size_t>(n);
  }
  return "";
}

// Creates the temporary file beside `path` and records its name for the signal handler.
int CreateTemporary(const std::string& path, std::string& temporary_path) {
  std::string name = DirectoryPart(path) + "/.qemuc-XXXXXX";
  if (name.size() >= sizeof pending_temporary) {
    errno = ENAMETOOLONG;
    return -1;
  }
  const SignalsHeldBack held;
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  std::memcpy(pending_temporary, name.c_str(), name.size() + 1);
  has_pending_temporary = 1;
  temporary_path = name;
  return fd;
}

// Renames the temporary file over `path`, or removes it when `error` says the write failed.
std::string Finish(const std::string& temporary_path, const std::string& path, std::string error) {
  const SignalsHeldBack held;
  if (error.empty() && rename(temporary_path.c_str(), path.c_str()) != 0)
    error = std::strerror(errno);
  if (!error.empty()) unlink(temporary_path.c_str());
  has_pending_temporary = 0;
  return error;
}

}  // namespace

void FileSink::Write(std::string_view bytes) {
  if (!error_.empty()) return;
  if (buffer_.size() + bytes.size() > kSinkBufferBytes) Flush();
  if (bytes.size() >= kSinkBufferBytes) {
    if (error_.empty()) error_ = WriteAll(fd_, bytes);  // as it is: no copy into the buffer
    return;
  }
  buffer_.append(bytes);
}

std::string FileSink::Flush() {
  if (error_.empty()) error_ = WriteAll(fd_, buffer_);
  buffer_.clear();
  return error_;
}

std::string ReplaceFile(const std::string& path, const std::string& contents, mode_t mode) {
  return ReplaceFile(path, mode, [&](FileSink& sink) { sink.Write(contents); });
}

std::string ReplaceFile(const std::string& path, mode_t mode,
                        const std::function<void(FileSink&)>& write) {
  std::string temporary_path;
  const int fd = CreateTemporary(path, temporary_path);
  if (fd < 0) return std::strerror(errno);
  FileSink sink(fd);
  try {
    write(sink);
  } catch (...) {  // std::bad_alloc, say: no temporary file left behind
    close(fd);
    Finish(temporary_path, path, "not written");
    throw;
  }
  std::string error = sink.Flush();
  if (error.empty() && fchmod(fd, mode) != 0) error = std::strerror(errno);
  if (error.empty() && fsync(fd) != 0) error = std::strerror(errno);
  if (close(fd) != 0 && error.empty()) error = std::strerror(errno);
  return Finish(temporary_path, path, std::move(error));
}

InputFiles::InputFiles(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    struct stat info {};
    if (stat(path.c_str(), &info) == 0)
      files_.emplace(std::make_pair(info.st_dev, info.st_ino), path);
  }
}

std::optional<std::string> InputFiles::Find(const std::string& path) const {
  struct stat info {};
  if (files_.empty() || stat(path.c_str(), &info) != 0) return std::nullopt;
  const auto found = files_.find(std::make_pair(info.st_dev, info.st_ino));
  if (found == files_.end()) return std::nullopt;
  return found->second;
}

OutputTarget ResolveOutputTarget(const std::string& path) {
  std::string current = path;
  for (int links = 0; links <= kMaxLinksFollowed; ++links) {
    struct stat info {};
    if (lstat(current.c_str(), &info) != 0) {
      if (errno == ENOENT && links == 0) return {current, false, ""};
      if (errno != ENOENT) return Refused(std::strerror(errno));
      return Refused("a symbolic link to " + EscapeForTerminal(current) +
                     ", which does not exist; -o writes through a link only to an existing file");
    }
    if (S_ISREG(info.st_mode)) return {current, true, ""};
    if (!S_ISLNK(info.st_mode)) {
      const std::string type = FileTypeName(info.st_mode);
      return Refused(links == 0
                         ? "not a regular file (" + type + "); -o writes generated files only"
                         : "a symbolic link to " + EscapeForTerminal(current) + ", which is " +
                               type + "; -o writes generated files only");
    }
    const std::optional<std::string> target = LinkTarget(current);
    if (!target) return Refused(std::strerror(errno));
    current = *target;
  }
  return Refused(std::strerror(ELOOP));
}

std::string WriteFileAtomically(const std::string& path, const std::string& contents,
                                bool executable, const InputFiles& inputs) {
  const OutputTarget target = ResolveOutputTarget(path);
  if (!target.error.empty()) return target.error;
  if (target.exists) {
    if (const auto input = inputs.Find(target.path))
      return "it is an input of this run (" + EscapeForTerminal(*input) + ")";
  }
  // SPEC §4: a launch script is mode 0755 whatever the umask, so that it runs for its users.
  return ReplaceFile(target.path, contents, executable ? 0755 : 0644);
}

ExistingOutput ReadExistingOutput(const std::string& path, size_t max_bytes) {
  ExistingOutput existing;
  const OutputTarget target = ResolveOutputTarget(path);
  if (!target.error.empty()) {
    existing.error = target.error;
    return existing;
  }
  if (!target.exists) {
    existing.state = ExistingOutput::State::kMissing;
    return existing;
  }
  // A FIFO or link swapped in since the lookup is refused (O_NOFOLLOW), never waited on.
  const FileDescriptor fd(
      open(target.path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  struct stat info {};
  if (fd.get() < 0 || fstat(fd.get(), &info) != 0) {
    existing.error = std::strerror(errno);
    return existing;
  }
  if (!S_ISREG(info.st_mode)) {
    existing.error = "not a regular file (" + FileTypeName(info.st_mode) + ")";
    return existing;
  }
  existing.mode = info.st_mode & 07777;
  existing.size = static_cast<size_t>(info.st_size);
  if (existing.size > max_bytes) {
    existing.state = ExistingOutput::State::kTooLarge;
    return existing;
  }
  // As large as it was: appended to in 64 KiB reads, the text would grow by doubling, and a file
  // of 5 MiB (the result cache of 100,000 profiles) take 9 MiB while its last copy is made.
  existing.text.reserve(existing.size);
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      existing.error = std::strerror(errno);
      return existing;
    }
    if (n == 0) break;
    existing.text.append(buffer, static_cast<size_t>(n));
    if (existing.text.size() > max_bytes) {  // it grew since fstat
      existing.size = existing.text.size();
      existing.text.clear();
      existing.state = ExistingOutput::State::kTooLarge;
      return existing;
    }
  }
  existing.size = existing.text.size();
  existing.state = ExistingOutput::State::kRead;
  return existing;
}

std::string CreateParentDirectories(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return "";
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  return error ? "cannot create " + parent.string() + ": " + error.message() : "";
}

Freshness CheckFreshness(const std::string& path, const std::string& text, bool executable,
                         const std::string& rerun) {
  using State = ExistingOutput::State;
  const ExistingOutput current = ReadExistingOutput(path, text.size() + kCheckSlackBytes);
  switch (current.state) {
    case State::kError:
      return {false, "", "cannot read " + path + ": " + current.error};
    case State::kTooLarge:
      return {false, "",
              path + " is stale: it has " + std::to_string(current.size) +
                  " bytes, the generated text " + std::to_string(text.size()) +
                  " (too many more to show a diff); " + rerun};
    case State::kRead:
      if (current.text != text) break;
      // -o gives a launch script mode 0755; one that lost it is stale too.
      if (!executable || current.mode == 0755) return {true, "", ""};
      return {false, "",
              path + " is stale: its mode is " + Octal(current.mode) + ", not 0755; " + rerun};
    case State::kMissing:
      break;
  }
  const bool missing = current.state == State::kMissing;
  // diff -u puts a tab before what follows a name; patch(1) reads the name up to it. The name is
  // escaped: it may come from a checked-in qemuc.yaml, and a tab or an escape sequence in it
  // would cut the header or reach the terminal.
  const std::string shown = EscapeForTerminal(path);
  return {false,
          UnifiedDiff(current.text, text, missing ? "/dev/null" : shown + "\t(current)",
                      shown + "\t(generated)"),
          path + (missing ? " does not exist: " : " is stale: ") + rerun};
}

void RemoveTemporaryFileOnSignals() {
  for (const int signal_number : kHandledSignals) {
    struct sigaction action {};
    if (sigaction(signal_number, nullptr, &action) != 0 || action.sa_handler == SIG_IGN) continue;
    action.sa_handler = RemoveTemporaryAndEnd;
    action.sa_mask = HandledSignals();  // one handler at a time: a second signal waits
    action.sa_flags = 0;
    sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace qemuc
