// signal_at_fsync: runs PROGRAM and sends it SIGNAL at the moment it enters fsync(2), then lets it
// go on untraced. For `compile -o`, that is after the temporary file is written and before it is
// renamed: a signal during the write, at a moment chosen by the kernel, not by a sleep.
// usage: signal_at_fsync SIGNAL_NUMBER PROGRAM [ARG...]
// Exit status: the program's, or 128 + N when signal N ended it (as a shell reports it); 77 when
// the system forbids ptrace (the test is then skipped); 125 on a usage or tracing error, 124
// when the program ended without ever calling fsync.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int StatusAsShell(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

[[noreturn]] void RunTraced(int signal_number, char** argv) {
  // The signal must end the program as it would at a terminal, even if this test runs with it
  // ignored (background jobs of a non-interactive shell ignore SIGINT).
  signal(signal_number, SIG_DFL);
  if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(77);
  execv(argv[0], argv);
  std::fprintf(stderr, "signal_at_fsync: cannot run %s: %s\n", argv[0], std::strerror(errno));
  _exit(125);
}

// 1 at the entry of fsync, 0 elsewhere, -1 when the kernel cannot say (before Linux 5.3).
int EntersFsync(pid_t child) {
  __ptrace_syscall_info info{};
  if (ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof info, &info) <= 0) return -1;
  return info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == SYS_fsync ? 1 : 0;
}

// Follows the child from syscall to syscall; at fsync, signals and detaches. Returns the status
// the child ended with.
int SignalAtFsync(pid_t child, int signal_number) {
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) return StatusAsShell(status);
  ptrace(PTRACE_SETOPTIONS, child, nullptr, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
  int pass_on = 0;  // a signal the child received while traced, delivered on resuming it
  for (;;) {
    if (ptrace(PTRACE_SYSCALL, child, nullptr, pass_on) != 0) return 125;
    if (waitpid(child, &status, 0) != child) return 125;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      std::fprintf(stderr, "signal_at_fsync: the program never called fsync\n");
      return 124;
    }
    pass_on = WSTOPSIG(status) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(status);
    if (pass_on != 0) continue;
    const int at_fsync = EntersFsync(child);
    if (at_fsync == 1) break;
    if (at_fsync < 0) {
      std::fprintf(stderr, "signal_at_fsync: this kernel has no PTRACE_GET_SYSCALL_INFO\n");
      return 77;  // PTRACE_O_EXITKILL ends the child with us
    }
  }
  kill(child, signal_number);  // pending until fsync returns
  ptrace(PTRACE_DETACH, child, nullptr, 0);
  if (waitpid(child, &status, 0) != child) return 125;
  return StatusAsShell(status);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: signal_at_fsync SIGNAL_NUMBER PROGRAM [ARG...]\n");
    return 125;
  }
  const int signal_number = std::atoi(argv[1]);
  const pid_t child = fork();
  if (child < 0) return 125;
  if (child == 0) RunTraced(signal_number, argv + 2);
  return SignalAtFsync(child, signal_number);
}
