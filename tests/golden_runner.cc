// golden_runner: runs one golden case of qemuc and compares what it printed with the expected
// files, or checks that every expected file belongs to a case. The case format is described in
// tests/golden/README.md.
//
//   golden_runner QEMUC CASE_DIR [--regenerate]
//   golden_runner --check-inventory GOLDEN_DIR [REGISTERED_CASE...]
//
// Exit status: 0 the case matches (or was regenerated, or the inventory is sound); 1 a mismatch
// or an inventory problem; 2 the runner could not do its job (bad usage, unreadable case, qemuc
// could not be started, qemuc killed by a signal or the timeout).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "unified_diff.h"

extern char** environ;

namespace fs = std::filesystem;

namespace {

constexpr int kMatch = 0;
constexpr int kMismatch = 1;
constexpr int kRunnerError = 2;

// Below meson's default test timeout (30 s), so that a hang is reported by us, with what qemuc
// printed so far, instead of being killed silently.
constexpr auto kTimeout = std::chrono::seconds(20);

// The file names that make a case: the command, then the three expected results.
constexpr const char* kCmdFile = "cmd";
const std::vector<std::string> kExpectedFiles = {"status", "stdout", "stderr"};

// Thrown for anything that stops the runner from judging the case (exit status 2).
struct RunnerError {
  std::string message;
};

std::string ErrnoText(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw RunnerError{"cannot read " + path.string()};
  return contents.str();
}

void WriteFile(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) throw RunnerError{"cannot write " + path.string()};
}

// One argument per line. Every line counts, so an empty line is an empty argument; the last
// line's newline is optional. A CR is refused: it is an editor's line ending, never meant.
std::vector<std::string> ParseCmd(const std::string& text, const fs::path& path) {
  if (text.find('\r') != std::string::npos) {
    throw RunnerError{path.string() + ": contains a carriage return (use Unix line endings)"};
  }
  std::vector<std::string> args;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

// The exact bytes of a text made visible: a C string body, so a tab and the two characters
// "\t" (which a systemd unit may legitimately contain) cannot look alike.
std::string Escaped(const std::string& text) {
  std::string shown;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      shown += "\\\\";
    } else if (c == '\n') {
      shown += "\\n";
    } else if (c == '\t') {
      shown += "\\t";
    } else if (c == '\r') {
      shown += "\\r";
    } else if (byte < 0x20 || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      shown += hex;
    } else {
      shown += c;
    }
  }
  return shown;
}

// A text in double quotes, for the one-line reports (the command, the exit status).
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : Escaped(text)) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
  return quoted + "\"";
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// ---------------------------------------------------------------------------------------------
// Running qemuc

struct RunResult {
  int exit_status = -1;  // valid when signal == 0
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// The inherited environment with the three settings that make qemuc's output reproducible.
std::vector<std::string> CaseEnvironment(const std::string& case_dir) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string setting(*entry);
    const std::string name = setting.substr(0, setting.find('='));
    if (name != "NO_COLOR" && name != "LC_ALL" && name != "PATH") env.push_back(setting);
  }
  env.push_back("NO_COLOR=1");
  env.push_back("LC_ALL=C.UTF-8");
  // CASE/bin first: host-check cases ship a fake QEMU there.
  env.push_back("PATH=" + case_dir + "/bin:/usr/bin:/bin");
  return env;
}

struct Pipe {
  int read_end = -1;
  int write_end = -1;
};

Pipe MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw RunnerError{ErrnoText("pipe")};
  return {fds[0], fds[1]};
}

// Only async-signal-safe calls between fork and exec. A failure is reported through
// exec_error as an errno value, so it cannot be mistaken for qemuc's own output.
[[noreturn]] void RunChild(const Pipe& out, const Pipe& err, const Pipe& exec_error,
                           const char* case_dir, char* const* argv, char* const* envp) {
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0 && dup2(null_fd, STDIN_FILENO) >= 0 && dup2(out.write_end, STDOUT_FILENO) >= 0 &&
      dup2(err.write_end, STDERR_FILENO) >= 0 && chdir(case_dir) == 0) {
    execve(argv[0], argv, envp);
  }
  const int error = errno;
  ssize_t ignored = write(exec_error.write_end, &error, sizeof error);
  static_cast<void>(ignored);
  _exit(127);
}

// Reads both pipes until both are closed, so that neither fills up while we wait on the other.
// On the timeout qemuc is killed; a process it started could still hold the pipes, so reading
// stops after a short grace period whatever happens.
void Drain(int out_fd, int err_fd, pid_t pid, RunResult& result) {
  constexpr auto kGrace = std::chrono::seconds(2);
  auto deadline = std::chrono::steady_clock::now() + kTimeout;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const int ready = poll(fds, 2, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw RunnerError{ErrnoText("poll")};
    if (ready == 0 && result.timed_out) break;
    if (ready == 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      deadline = std::chrono::steady_clock::now() + kGrace;
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
      }
    }
  }
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
}

RunResult RunQemuc(const std::string& qemuc, const std::vector<std::string>& args,
                   const std::string& case_dir) {
  std::vector<std::string> argv_strings = {qemuc};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = CaseEnvironment(case_dir);
  const std::vector<char*> argv = CStrings(argv_strings);
  const std::vector<char*> envp = CStrings(env_strings);

  const Pipe out = MakePipe();
  const Pipe err = MakePipe();
  const Pipe exec_error = MakePipe();
  const pid_t pid = fork();
  if (pid < 0) throw RunnerError{ErrnoText("fork")};
  if (pid == 0) RunChild(out, err, exec_error, case_dir.c_str(), argv.data(), envp.data());
  close(out.write_end);
  close(err.write_end);
  close(exec_error.write_end);

  RunResult result;
  Drain(out.read_end, err.read_end, pid, result);
  int child_errno = 0;
  const ssize_t n = read(exec_error.read_end, &child_errno, sizeof child_errno);
  close(exec_error.read_end);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) throw RunnerError{ErrnoText("waitpid")};
  }
  if (n > 0) {
    throw RunnerError{"cannot run " + qemuc + " in " + case_dir + ": " +
                      std::strerror(child_errno)};
  }
  if (WIFSIGNALED(wait_status)) {
    result.signal = WTERMSIG(wait_status);
  } else {
    result.exit_status = WEXITSTATUS(wait_status);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Comparing: qemuc's unified diff of the lines, each line shown escaped

// Each line escaped on its own, the line breaks kept, so that the diff is of lines as shown.
// Escaping tells every two lines apart, so the texts differ exactly when the originals do.
std::string EscapedLines(const std::string& text) {
  std::string shown;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      shown += Escaped(text.substr(start));
      break;
    }
    shown += Escaped(text.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return shown;
}

std::string StatusText(const RunResult& result) {
  return std::to_string(result.exit_status) + "\n";
}

// The three expected files, compared in a fixed order; returns the report of what differed.
std::string Compare(const fs::path& case_dir, const std::string& case_name,
                    const RunResult& result) {
  const std::vector<std::string> actual = {StatusText(result), result.out, result.err};
  std::string report;
  for (size_t i = 0; i < kExpectedFiles.size(); ++i) {
    const fs::path path = case_dir / kExpectedFiles[i];
    const std::optional<std::string> expected = ReadFile(path);
    if (!expected) throw RunnerError{"missing expected file " + path.string()};
    if (*expected == actual[i]) continue;
    const std::string name = case_name + "/" + kExpectedFiles[i];
    if (kExpectedFiles[i] == "status") {
      report += name + ": expected " + Quoted(*expected) + ", got " + Quoted(actual[i]) + "\n";
      continue;
    }
    report += qemuc::UnifiedDiff(EscapedLines(*expected), EscapedLines(actual[i]),
                                 name + " (expected)", name + " (actual)");
  }
  return report;
}

std::string ShownCommand(const std::vector<std::string>& args) {
  std::string shown = "qemuc";
  for (const std::string& arg : args) shown += " " + Quoted(arg);
  return shown;
}

// qemuc prints absolute resolved paths; this is the one machine-specific part of its output.
// Both spellings of the case directory are replaced, the symlink-free one (what getcwd gives
// qemuc) and the one given to us, the longer first in case one contains the other.
std::string Normalised(std::string text, std::vector<std::string> case_dirs) {
  std::sort(case_dirs.begin(), case_dirs.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& dir : case_dirs) ReplaceAll(text, dir, "@CASE@");
  return text;
}

// A crash or a hang is no output to compare or to regenerate from.
int ReportAbnormalEnd(const std::string& case_name, const std::vector<std::string>& args,
                      const RunResult& result) {
  std::cout << "golden case " << case_name << ": " << ShownCommand(args) << "\n"
            << (result.timed_out
                    ? "timed out after " + std::to_string(kTimeout.count()) + " s; killed"
                    : "killed by signal " + std::to_string(result.signal))
            << "\nstdout so far: " << Quoted(result.out)
            << "\nstderr so far: " << Quoted(result.err) << "\n";
  return kRunnerError;
}

int Regenerate(const fs::path& case_dir, const std::string& case_name, const RunResult& result) {
  const std::vector<std::string> actual = {StatusText(result), result.out, result.err};
  for (size_t i = 0; i < kExpectedFiles.size(); ++i) {
    const fs::path path = case_dir / kExpectedFiles[i];
    if (ReadFile(path) == actual[i]) continue;
    WriteFile(path, actual[i]);
    std::cout << "wrote " << case_name << "/" << kExpectedFiles[i] << "\n";
  }
  return kMatch;
}

int RunCase(const std::string& runner, const std::string& qemuc_arg, const std::string& case_arg,
            bool regenerate) {
  std::error_code error;
  std::string given_dir = fs::absolute(case_arg, error).lexically_normal().string();
  if (given_dir.size() > 1 && given_dir.back() == '/') given_dir.pop_back();
  const fs::path case_dir = fs::canonical(case_arg, error);
  if (error) throw RunnerError{"case directory " + case_arg + ": " + error.message()};
  // The path of qemuc must survive the chdir into the case directory.
  const std::string qemuc = fs::absolute(qemuc_arg, error).string();
  const std::string case_name = case_dir.filename().string();

  const fs::path cmd_path = case_dir / kCmdFile;
  const std::optional<std::string> cmd = ReadFile(cmd_path);
  if (!cmd)
    throw RunnerError{"missing " + cmd_path.string() + " (the arguments to qemuc, one per line)"};
  const std::vector<std::string> args = ParseCmd(*cmd, cmd_path);

  RunResult result = RunQemuc(qemuc, args, case_dir.string());
  result.out = Normalised(result.out, {case_dir.string(), given_dir});
  result.err = Normalised(result.err, {case_dir.string(), given_dir});
  if (result.timed_out || result.signal != 0) return ReportAbnormalEnd(case_name, args, result);
  if (regenerate) return Regenerate(case_dir, case_name, result);

  const std::string report = Compare(case_dir, case_name, result);
  if (report.empty()) return kMatch;
  std::cout << "golden case " << case_name << " FAILED\n"
            << "ran (in " << case_dir.string() << ", shown below as @CASE@): " << ShownCommand(args)
            << "\n"
            << report << "If the actual output is right, accept it with\n  " << runner << " "
            << qemuc_arg << " " << case_arg
            << " --regenerate\nand review the change with git diff.\n";
  return kMismatch;
}

// ---------------------------------------------------------------------------------------------
// Inventory: every expected file belongs to a case that meson runs

std::vector<std::string> InventoryProblems(const fs::path& golden_dir,
                                           const std::set<std::string>* registered) {
  std::vector<std::string> problems;
  std::set<std::string> cases_on_disk;
  std::vector<fs::path> directories = {golden_dir};
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(golden_dir)) {
    if (entry.is_directory() && !entry.is_symlink()) directories.push_back(entry.path());
  }
  std::sort(directories.begin(), directories.end());
  for (const fs::path& dir : directories) {
    const bool has_cmd = fs::exists(dir / kCmdFile);
    std::vector<std::string> present;
    std::vector<std::string> missing;
    for (const std::string& name : kExpectedFiles)
      (fs::exists(dir / name) ? present : missing).push_back(name);
    if (!has_cmd && present.empty()) continue;
    const std::string shown = dir.lexically_relative(golden_dir).string();
    if (dir.parent_path() != golden_dir) {
      problems.push_back(shown + ": holds case files but is not a directory directly under " +
                         golden_dir.string() + ", so no test runs it");
      continue;
    }
    if (!has_cmd) {
      for (const std::string& name : present)
        problems.push_back(shown + "/" + name + ": expected file but no cmd");
      continue;
    }
    for (const std::string& name : missing)
      problems.push_back(shown + ": cmd but no expected " + name);
    cases_on_disk.insert(shown);
  }
  if (registered != nullptr) {
    for (const std::string& name : cases_on_disk) {
      if (registered->count(name) == 0) {
        problems.push_back(name +
                           ": case not registered with meson; run meson setup --reconfigure build");
      }
    }
    for (const std::string& name : *registered) {
      if (cases_on_disk.count(name) == 0)
        problems.push_back(name + ": registered with meson but not a case on disk");
    }
  }
  return problems;
}

int CheckInventory(const std::string& golden_arg, const std::vector<std::string>& registered_args) {
  std::error_code error;
  const fs::path golden_dir = fs::canonical(golden_arg, error);
  if (error || !fs::is_directory(golden_dir)) throw RunnerError{"not a directory: " + golden_arg};
  const std::set<std::string> registered(registered_args.begin(), registered_args.end());
  const std::vector<std::string> problems =
      InventoryProblems(golden_dir, registered_args.empty() ? nullptr : &registered);
  for (const std::string& problem : problems) std::cout << "golden inventory: " << problem << "\n";
  return problems.empty() ? kMatch : kMismatch;
}

int Usage() {
  std::cerr << "usage: golden_runner QEMUC CASE_DIR [--regenerate]\n"
               "       golden_runner --check-inventory GOLDEN_DIR [REGISTERED_CASE...]\n";
  return kRunnerError;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && args[0] == "--check-inventory") {
      if (args.size() < 2) return Usage();
      return CheckInventory(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
    }
    if (args.size() == 2) return RunCase(argv[0], args[0], args[1], false);
    if (args.size() == 3 && args[2] == "--regenerate")
      return RunCase(argv[0], args[0], args[1], true);
    return Usage();
  } catch (const RunnerError& error) {
    std::cerr << "golden_runner: " << error.message << "\n";
    return kRunnerError;
  } catch (const fs::filesystem_error& error) {
    std::cerr << "golden_runner: " << error.what() << "\n";
    return kRunnerError;
  }
}
