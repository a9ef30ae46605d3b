// The command line (SPEC §4): arguments in, files out, exit status.
#ifndef QEMUC_CLI_H_
#define QEMUC_CLI_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "compiler.h"

namespace qemuc {

constexpr int kExitOk = 0;
constexpr int kExitProblem = 1;  // the input, the host or the output
constexpr int kExitUsage = 2;

struct Console {
  std::ostream& out;
  std::ostream& err;
  bool colour = false;  // diagnostics in colour (a terminal, and no NO_COLOR)
};

// Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org).
bool UseColour(bool stderr_is_terminal, const char* no_color);

// args excludes the program name. Taken by value so that main's copy of argv is moved all the way
// to the command, not copied (100,000 profile paths: 6 MiB a copy).
int RunCli(std::vector<std::string> args, Environment& environment, Console& console);

}  // namespace qemuc

#endif  // QEMUC_CLI_H_
