// qemuc: the QEMU profile compiler. Everything but the process edges lives in the core library.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "output_file.h"

int main(int argc, char** argv) {
  // Ctrl-C or a service stop during `compile -o` must not leave a .qemuc-XXXXXX file behind.
  qemuc::RemoveTemporaryFileOnSignals();
  qemuc::Console console{std::cout, std::cerr,
                         qemuc::UseColour(isatty(STDERR_FILENO) == 1, std::getenv("NO_COLOR"))};
  qemuc::DiskFileReader reader;
  qemuc::RealHost host;
  qemuc::SourceSet sources;
  qemuc::ParsedFileCache cache;
  qemuc::Environment environment{reader, host, sources, cache};
  const int status =
      qemuc::RunCli(std::vector<std::string>(argv + 1, argv + argc), environment, console);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "qemuc: error: cannot write to standard output\n";
    return qemuc::kExitProblem;
  }
  return status;
}
