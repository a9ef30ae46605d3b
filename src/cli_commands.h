// The commands of the CLI, each in its own cli_*.cc: its options and what it does. cli.cc
// lists them in one table.
#ifndef QEMUC_CLI_COMMANDS_H_
#define QEMUC_CLI_COMMANDS_H_

#include "cli_support.h"

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

po::options_description PowerdownOptions();
int RunQmpPowerdown(const CommandLine& line, Environment& environment, Console& console);

}  // namespace qemuc

#endif  // QEMUC_CLI_COMMANDS_H_
