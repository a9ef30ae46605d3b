// Runs one command for bench/perf_report.py and writes its wall time and peak RSS to a file.
// usage: run_measured RESULT_FILE COMMAND [ARG]...
// RESULT_FILE gets "SECONDS PEAK_RSS_KIB\n"; the exit status is the command's (128 + N when a
// signal N ended it, 127 when it could not be started).
//
// Why not Python's subprocess: a child's ru_maxrss counts the pages it had before execve, and a
// child forked (or vforked) from the Python interpreter starts with the interpreter's ~13 MiB, so
// /bin/true would "peak" at 13 MiB. Forked from this small program, the floor is its own ~1 MiB.
// Timing here, around fork and wait4, also leaves Python's own fork cost out of every row.
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

double Now() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

int ExitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: run_measured RESULT_FILE COMMAND [ARG]...\n");
    return 2;
  }
  const double start = Now();
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "run_measured: fork: %s\n", std::strerror(errno));
    return 127;
  }
  if (child == 0) {
    execvp(argv[2], argv + 2);
    std::fprintf(stderr, "run_measured: %s: %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "run_measured: wait4: %s\n", std::strerror(errno));
      return 127;
    }
  }
  const double seconds = Now() - start;
  std::FILE* result = std::fopen(argv[1], "w");
  if (result == nullptr || std::fprintf(result, "%.9f %ld\n", seconds, usage.ru_maxrss) < 0 ||
      std::fclose(result) != 0) {
    std::fprintf(stderr, "run_measured: cannot write %s\n", argv[1]);
    return 127;
  }
  return ExitStatus(status);
}
