// The command line (SPEC §4): splits argv by hand into a command and its arguments, parses each
// command's options strictly, and dispatches to the command (cli_*.cc).
#include "cli.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <iterator>
#include <utility>

#include "cli_commands.h"
#include "cli_examples.h"
#include "option_chunks.h"
#include "text.h"
#include "utf8.h"
#include "version.h"

namespace qemuc {
namespace {

// Abbreviations off: "--form" must not silently mean "--format".
constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

struct Command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  std::function<po::options_description()> options;
  bool keeps_args_after_dashes;  // else they are more inputs ("validate -- -odd.yaml")
  std::function<int(const CommandLine&, Environment&, Console&)> run;
};

const std::vector<Command>& Commands();

// What follows the first "--", taken out of `args` with the "--" itself: never parsed as options.
std::vector<std::string> TakeAfterDashes(std::vector<std::string>& args) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  if (dashes == args.end()) return {};
  std::vector<std::string> after(std::make_move_iterator(dashes + 1),
                                 std::make_move_iterator(args.end()));
  args.erase(dashes, args.end());
  return after;
}

// Parses one command's options strictly, and leaves its positionals in `args`, in order. Boost
// sees only the options and their values, unless a token spells the hidden option "input" that
// it stores positionals under ("--input a.yaml"): only Boost can put its values in order among
// the positionals then.
po::variables_map ParseOptions(const Command& command, std::vector<std::string>& args) {
  po::options_description visible = command.options();
  po::options_description all;
  all.add(visible).add_options()("input", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map values;
  try {
    const std::vector<std::string> options =
        SpellsOption(all, args, "input") ? std::exchange(args, {}) : ExtractOptions(all, args);
    po::store(ParseInChunks(options, all, positional, kStyle), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError{error.what(), std::string(command.name)};
  }
  if (values.count("input")) {
    args = std::move(boost::any_cast<std::vector<std::string>&>(values.at("input").value()));
  }
  return values;
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "usage: " << command.synopsis << "\n\n";
  if (!command.summary.empty()) out << command.summary << "\n\n";  // hidden commands have none
  out << command.options();
  const std::vector<CommandExample>& examples = ExamplesOf(command.name);
  if (examples.empty()) return;
  out << "\nexamples (in the examples/ directory that comes with qemuc):\n";
  for (const CommandExample& example : examples) {
    out << "  " << example.command_line << "\n      " << example.what << "\n";
  }
}

// Splits off what follows the first "--", parses the rest, answers --help, then runs the command.
// The arguments are moved, never copied: 100,000 profile paths are 6 MiB a copy.
int RunCommand(const Command& command, std::vector<std::string> args, Environment& environment,
               Console& console) {
  std::vector<std::string> after_dashes = TakeAfterDashes(args);
  CommandLine line;
  line.values = ParseOptions(command, args);
  if (line.values.count("help")) {
    PrintCommandHelp(command, console.out);
    return kExitOk;
  }
  line.inputs = std::move(args);
  if (line.values.count("error-format")) {
    RequireChoice("error format", line.values["error-format"].as<std::string>(), {"gcc", "json"},
                  std::string(command.name));
  }
  if (command.keeps_args_after_dashes) {
    line.after_dashes = std::move(after_dashes);
  } else {
    line.inputs.insert(line.inputs.end(), std::make_move_iterator(after_dashes.begin()),
                       std::make_move_iterator(after_dashes.end()));
  }
  return command.run(line, environment, console);
}

// help has no options of its own.
po::options_description HelpOnlyOptions() {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  return options;
}

void PrintUsage(std::ostream& out) {
  out << "usage: qemuc COMMAND [options] [arguments]\n"
         "       qemuc --help | --version | help COMMAND\n\n"
         "qemuc compiles QEMU launch profiles (YAML) into a launch script, JSON, arguments or a\n"
         "systemd unit.\n\n"
         "commands:\n";
  for (const Command& command : Commands()) {
    if (command.summary.empty()) continue;  // hidden: complete-overlays
    out << "  " << command.name
        << std::string(command.name.size() < 15 ? 15 - command.name.size() : 1, ' ')
        << command.summary << "\n";
  }
  out << "\nexit status: 0 success, 1 a problem with the input, host or output, 2 a usage error\n";
}

int RunHelp(const CommandLine& line, Environment&, Console& console) {
  if (line.inputs.size() > 1) throw UsageError{"help takes at most one COMMAND", "help"};
  if (line.inputs.empty()) {
    PrintUsage(console.out);
    return kExitOk;
  }
  for (const Command& command : Commands()) {
    if (command.name == line.inputs[0]) {
      PrintCommandHelp(command, console.out);
      return kExitOk;
    }
  }
  throw UsageError{"unknown command " + Quoted(line.inputs[0]), ""};
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"compile", "qemuc compile PROFILE [options] [-- KERNEL_ARG...]",
       "Compile a profile to a launch script (default), JSON or plain arguments.", CompileOptions,
       true, RunCompile},
      {"run",
       "qemuc run PROFILE [options] [-- KERNEL_ARG...]\n\n"
       "Host checks always apply, since QEMU really starts: the QEMU binary must be found (a bare\n"
       "name in PATH) and the kernel, initrd and drive files must exist. qemuc then replaces\n"
       "itself with QEMU (execv, no shell), so the exit status is QEMU's. With\n"
       "qemu.success_status, QEMU runs as qemuc's child instead (SIGINT, SIGTERM and SIGHUP\n"
       "passed on), and qemuc exits 0 for that status and with QEMU's otherwise. It is 1 when\n"
       "qemuc cannot compile the profile or start QEMU, 2 on a usage error.",
       "Compile a profile and replace qemuc with QEMU running it.", RunOptions, true, RunRun},
      {"validate", "qemuc validate PROFILE... [options]",
       "Check profiles without compiling them; never looks at the host.", ValidateOptions, false,
       RunValidate},
      {"resolve", "qemuc resolve PROFILE [options]",
       "Print the merged profile, with every layer applied and every path resolved.",
       ResolveOptions, false, RunResolve},
      {"check", "qemuc check [options]",
       "Check every profile and output of qemuc.yaml, in one process (CI, pre-commit).",
       CheckOptions, false, RunCheck},
      {"build", "qemuc build [FILE...] [options]",
       "Write the outputs of qemuc.yaml (or those named) that are stale or missing.", BuildOptions,
       false, RunBuild},
      {"graph",
       "qemuc graph [PROFILE...] [options]\n\n"
       "Without PROFILE: the profiles of qemuc.yaml (found from the current directory upward, or\n"
       "from -C DIR) and of its outputs, with a dashed arrow from a profile to each overlay file\n"
       "an output applies, labelled with the output. Each file is one node, named relative to the\n"
       "current directory (absolute outside it). An arrow goes from a file to each parent it\n"
       "extends, numbered in merge order when there are several. Dashed boxes are abstract files\n"
       "(bases, overlay files), red ones files with problems (reported on stderr as validate\n"
       "reports them; exit status 1). Render it with Graphviz: qemuc graph | dot -Tsvg -o g.svg",
       "Print the files of profiles and what extends what, as Graphviz DOT.", GraphOptions, false,
       RunGraph},
      {"list",
       "qemuc list [PROFILE...] [--format table|json] [options]\n\n"
       "Without PROFILE: the profiles of qemuc.yaml (found as for check) and of its outputs.\n"
       "One row per compilable profile (abstract ones are left out): name, target, cpus, memory,\n"
       "the overlays it defines and its description. The table fits 100 columns: when it would\n"
       "be wider, the longest NAME, OVERLAYS and DESCRIPTION cells are cut to one width, ending\n"
       "in '…'; control characters are shown escaped (\\n). --format json prints\n"
       "{\"format\": \"qemuc-list\", \"version\": 1, \"profiles\": [{\"file\", \"name\", "
       "\"target\",\n\"cpus\", \"memory_mib\", \"overlays\": [...], \"description\"}]}. A "
       "broken profile is\nreported on stderr as validate reports it, the others are listed, "
       "and the status is 1.",
       "List profiles: name, target, cpus, memory, overlays and description.", ListOptions, false,
       RunList},
      {"qmp-powerdown",
       "qemuc qmp-powerdown SOCKET PID [--timeout S]\n\n"
       "exit status: 0 PID ended; 1 QEMU could not be asked (no socket, no process, a QMP error);\n"
       "3 PID still runs after S seconds (the guest ignored the power button)",
       "Stop a VM gracefully: press its power button over QMP, then wait for QEMU to end.",
       PowerdownOptions, false, RunQmpPowerdown},
      {"schema", "qemuc schema",
       "Print the JSON Schema (draft-07) of the profile format, for editors.", HelpOnlyOptions,
       false, RunSchema},
      {"help", "qemuc help [COMMAND]", "Show help for qemuc or one command.", HelpOnlyOptions,
       false, RunHelp},
      {"complete-overlays",
       "qemuc complete-overlays PROFILE\n\n"
       "For the shell completions: the overlay names PROFILE defines, its parents' included, one\n"
       "a line; no output and status 1, silently, when PROFILE does not resolve.",
       "", CompleteOverlaysOptions, false, RunCompleteOverlays},
  };
  return commands;
}

int RunGlobal(const std::vector<std::string>& args, Console& console) {
  const std::string& option = args[0];
  if (args.size() > 1 && (option == "--help" || option == "-h" || option == "--version")) {
    throw UsageError{"unexpected argument " + Quoted(args[1]) + " after " + option, ""};
  }
  if (option == "--help" || option == "-h") {
    PrintUsage(console.out);
    return kExitOk;
  }
  if (option == "--version") {
    console.out << "qemuc " << kQemucVersion << " (revision " << kQemucRevision << ")\n";
    return kExitOk;
  }
  throw UsageError{"unknown option " + Quoted(option), ""};
}

}  // namespace

bool UseColour(bool stderr_is_terminal, const char* no_color) {
  return stderr_is_terminal && (no_color == nullptr || *no_color == '\0');
}

int RunCli(std::vector<std::string> args, Environment& environment, Console& console) {
  try {
    if (args.empty()) throw UsageError{"no command given", ""};
    if (args[0].size() > 1 && args[0][0] == '-') return RunGlobal(args, console);
    for (const Command& command : Commands()) {
      if (command.name == args[0]) {
        args.erase(args.begin());
        return RunCommand(command, std::move(args), environment, console);
      }
    }
    throw UsageError{"unknown command " + Quoted(args[0]), ""};
  } catch (const UsageError& error) {
    // The message may quote any argument: a terminal shows its control characters, escaped.
    console.err << "qemuc: error: " << EscapeForTerminal(error.message) << "\n";
    console.err << "Try 'qemuc " << (error.command.empty() ? "--help" : "help " + error.command)
                << "'.\n";
    return kExitUsage;
  }
}

}  // namespace qemuc
