// The commands of the CLI, each in its own cli_*.cc: its options and what it does. cli.cc
// lists them in one table.
#ifndef QEMUC_CLI_COMMANDS_H_
#define QEMUC_CLI_COMMANDS_H_

#include "cli_support.h"
#include "graph_loader.h"

namespace qemuc {

po::options_description CompileOptions();
int RunCompile(const CommandLine& line, Environment& environment, Console& console);

po::options_description RunOptions();
int RunRun(const CommandLine& line, Environment& environment, Console& console);

po::options_description ValidateOptions();
int RunValidate(const CommandLine& line, Environment& environment, Console& console);

po::options_description ResolveOptions();
int RunResolve(const CommandLine& line, Environment& environment, Console& console);

int RunSchema(const CommandLine& line, Environment& environment, Console& console);

po::options_description BuildOptions();
int RunBuild(const CommandLine& line, Environment& environment, Console& console);

po::options_description CheckOptions();
int RunCheck(const CommandLine& line, Environment& environment, Console& console);

po::options_description GraphOptions();
int RunGraph(const CommandLine& line, Environment& environment, Console& console);
// Validates `profiles` (diagnostics on stderr, as validate) and prints the DOT of their files
// and of `overlay_uses`; 1 when a profile has a problem (the graph is printed all the same).
int ShowGraph(const std::vector<std::string>& profiles, const std::vector<OverlayUse>& overlay_uses,
              const CommandLine& line, Environment& environment, Console& console);

po::options_description ListOptions();
int RunList(const CommandLine& line, Environment& environment, Console& console);
// Lists the compilable profiles among `profiles` in --format; a broken one is reported on
// stderr, as validate reports it, the others are still listed, and the status is 1.
int ShowList(const std::vector<std::string>& profiles, const CommandLine& line,
             Environment& environment, Console& console);

po::options_description PowerdownOptions();
int RunQmpPowerdown(const CommandLine& line, Environment& environment, Console& console);

// Hidden (not in `qemuc --help`): the overlay names of a profile, for the shell completions.
po::options_description CompleteOverlaysOptions();
int RunCompleteOverlays(const CommandLine& line, Environment& environment, Console& console);

}  // namespace qemuc

#endif  // QEMUC_CLI_COMMANDS_H_
