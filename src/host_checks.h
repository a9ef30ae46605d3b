// The only stage that looks at the machine (SPEC §3): the QEMU binary exists and is executable
// (a bare name is looked up in PATH and made absolute, SPEC §5 difference 3), the kernel, initrd,
// drive and firmware files exist (the UEFI vars writable), and so do the directories the profile
// names (PathUse). Skipped entirely with --no-host-checks. The Host is also where `qemuc run`
// starts QEMU (in its place, or as its child), so that unit tests fake that too.
#ifndef QEMUC_HOST_CHECKS_H_
#define QEMUC_HOST_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "lower.h"

namespace qemuc {

// How a program that Host::RunProcess started ended.
struct ProcessEnd {
  int status = 0;     // its exit status as a shell reports it: 128 + N when signal N ended it
  std::string error;  // not empty: the program could not be started, and why ("Permission denied")
};

class Host {
 public:
  virtual ~Host() = default;
  // Why QEMU could not open `path` as a file (missing, a directory, ...), or nullopt when it is
  // a regular file or a block device (a drive may be a disk).
  virtual std::optional<std::string> FileProblem(const std::string& path) const = 0;
  // Why `path` is not a directory (missing, a file, ...), or nullopt when it is one.
  virtual std::optional<std::string> DirectoryProblem(const std::string& path) const = 0;
  // What is at `path` that QEMU would delete to bind a unix socket there (anything but a socket:
  // QEMU unlinks the path first), or nullopt when nothing or a socket (a stale one) is.
  virtual std::optional<std::string> SocketProblem(const std::string& path) const = 0;
  // The same for a file QEMU also writes (UEFI vars): it must be writable too.
  virtual std::optional<std::string> WritableFileProblem(const std::string& path) const = 0;
  virtual bool IsExecutable(const std::string& path) const = 0;
  virtual std::string SearchPath() const = 0;  // $PATH
  // Replaces this process with the program argv[0] (a path: execv, no PATH search, no shell),
  // given `argv`. Returns only when that failed, with why ("Permission denied").
  virtual std::string ReplaceProcess(const std::vector<std::string>& argv) const = 0;
  // Runs the program argv[0] (a path: no PATH search, no shell) as a child that has this
  // process's standard streams, environment and signal mask, passes SIGINT, SIGTERM and SIGHUP on
  // to it (those not ignored here), and waits for it to end.
  virtual ProcessEnd RunProcess(const std::vector<std::string>& argv) const = 0;
};

class RealHost : public Host {
 public:
  std::optional<std::string> FileProblem(const std::string& path) const override;
  std::optional<std::string> DirectoryProblem(const std::string& path) const override;
  std::optional<std::string> SocketProblem(const std::string& path) const override;
  std::optional<std::string> WritableFileProblem(const std::string& path) const override;
  bool IsExecutable(const std::string& path) const override;
  std::string SearchPath() const override;
  std::string ReplaceProcess(const std::vector<std::string>& argv) const override;
  ProcessEnd RunProcess(const std::vector<std::string>& argv) const override;
};

// Checks that the binary, kernel, initrd, drive and firmware files are there, the shared
// directories too, and the directories where QEMU makes the serial log and the QMP socket. Returns
// the binary to run (a bare name found in PATH, made absolute; else the path as lowered), or
// nullopt after reporting every problem. Lowering's output is left as it is: the caller decides
// what the argv names.
std::optional<std::string> CheckHost(const LoweredProfile& profile, const Host& host,
                                     Diagnostics& diagnostics);

}  // namespace qemuc

#endif  // QEMUC_HOST_CHECKS_H_
