#include "cli.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <tuple>

#include "emit_profile.h"
#include "emit_schema.h"
#include "interpolate.h"
#include "lower.h"
#include "option_chunks.h"
#include "output_file.h"
#include "paths.h"
#include "qmp_powerdown.h"
#include "text.h"
#include "utf8.h"
#include "version.h"

namespace qemuc {
namespace {

namespace po = boost::program_options;

// Abbreviations off: "--form" must not silently mean "--format".
constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

struct UsageError {
  std::string message;
  std::string command;  // for the "see 'qemuc help COMMAND'" hint
};

// A command's arguments after strict parsing.
struct CommandLine {
  po::variables_map values;
  std::vector<std::string> inputs;        // positionals (for validate, also those after "--")
  std::vector<std::string> after_dashes;  // for compile: kernel arguments
};

struct Command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  std::function<po::options_description()> options;
  bool keeps_args_after_dashes;  // else they are more inputs ("validate -- -odd.yaml")
  std::function<int(const CommandLine&, Environment&, Console&)> run;
};

const std::vector<Command>& Commands();

// Prints diagnostics in the format asked for. A problem inside a file that several profiles
// share is reported to each of them and printed once, for the first; a problem of a merged
// profile (a missing key, say) is printed for every profile it affects. At most 20 are printed
// about each file over the run; each Print ends with how many more it did not print.
class DiagnosticPrinter {
 public:
  DiagnosticPrinter(const CommandLine& line, Console& console)
      : console_(console), json_(line.values["error-format"].as<std::string>() == "json") {}

  void Print(const Diagnostics& diagnostics) {
    for (const Diagnostic& diagnostic : diagnostics.all()) {
      const SourceRange& at = diagnostic.range;
      const auto key = std::make_tuple(at.file != nullptr ? at.file->path() : "", at.line,
                                       at.column, diagnostic.message);
      if (diagnostic.shared && !printed_.insert(key).second) continue;
      if (limit_.Admit(diagnostic)) Render(diagnostic);
    }
    for (const Diagnostic& summary : limit_.TakeSummaries()) Render(summary);
  }

 private:
  void Render(const Diagnostic& diagnostic) {
    console_.err << (json_ ? RenderDiagnosticJson(diagnostic)
                           : RenderDiagnostic(diagnostic, console_.colour));
  }

  Console& console_;
  bool json_;
  std::set<std::tuple<std::string, uint32_t, uint32_t, std::string>> printed_;
  DiagnosticLimit limit_;
};

void PrintDiagnostics(const Diagnostics& diagnostics, const CommandLine& line, Console& console) {
  DiagnosticPrinter(line, console).Print(diagnostics);
}

// Parses one command's options strictly; positionals go to "input" (shown in the synopsis).
po::variables_map ParseOptions(const Command& command, const std::vector<std::string>& args) {
  po::options_description visible = command.options();
  po::options_description all;
  all.add(visible).add_options()("input", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map values;
  try {
    po::store(ParseInChunks(args, all, positional, kStyle), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError{error.what(), std::string(command.name)};
  }
  return values;
}

// A usage error unless `value` is one of `choices`: "unknown WHAT 'value' (choose a, b or c)".
// Returns the index of `value` in `choices`.
size_t RequireChoice(std::string_view what, const std::string& value,
                     const std::vector<std::string_view>& choices, const std::string& command) {
  const auto found = std::find(choices.begin(), choices.end(), value);
  if (found == choices.end()) {
    throw UsageError{"unknown " + std::string(what) + " " + Quoted(value) + " (choose " +
                         JoinChoices(choices) + ")",
                     command};
  }
  return static_cast<size_t>(found - choices.begin());
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "usage: " << command.synopsis << "\n\n" << command.summary << "\n\n" << command.options();
}

// Splits off what follows the first "--" (never parsed as options), parses the rest, answers
// --help, then runs the command.
int RunCommand(const Command& command, const std::vector<std::string>& args,
               Environment& environment, Console& console) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  CommandLine line;
  line.values = ParseOptions(command, std::vector<std::string>(args.begin(), dashes));
  if (line.values.count("help")) {
    PrintCommandHelp(command, console.out);
    return kExitOk;
  }
  if (line.values.count("input")) line.inputs = line.values["input"].as<std::vector<std::string>>();
  if (line.values.count("error-format")) {
    RequireChoice("error format", line.values["error-format"].as<std::string>(), {"gcc", "json"},
                  std::string(command.name));
  }
  if (dashes != args.end()) {
    std::vector<std::string>& rest =
        command.keeps_args_after_dashes ? line.after_dashes : line.inputs;
    rest.insert(rest.end(), dashes + 1, args.end());
  }
  return command.run(line, environment, console);
}

// The options that add layers to a profile: -O and -D everywhere, --set where one profile is
// built (compile, resolve).
void AddLayerOptions(po::options_description& options, bool with_set) {
  options.add_options()("error-format",
                        po::value<std::string>()->value_name("FORMAT")->default_value("gcc"),
                        "diagnostics as gcc (file:line:col: text) or json (one object a line)")(
      "overlay,O", po::value<std::vector<std::string>>()->value_name("OVERLAY"),
      "apply an overlay: a name from the profile's overlays, or a file")(
      "define,D", po::value<std::vector<std::string>>()->value_name("NAME=VALUE"),
      "set the variable NAME (wins over vars)");
  if (with_set) {
    options.add_options()("set", po::value<std::vector<std::string>>()->value_name("PATH=VALUE"),
                          "set a value, e.g. qemu.cpus=8 or qemu.drives[blk0].file=/x.img");
  }
}

// ExecStop= runs this qemuc's qmp-powerdown, so the unit names it by its absolute path.
Emitted EmitSystemdUnit(const Invocation& invocation) {
  std::error_code ignored;
  return EmitSystemd(invocation, std::filesystem::read_symlink("/proc/self/exe", ignored).string());
}

// The output formats of compile, in the order its help and errors list them.
struct CompileFormat {
  std::string_view name;
  Emitted (*emit)(const Invocation&);
  bool executable;  // -o writes the file mode 0755, and --check wants that mode
};

const std::vector<CompileFormat>& CompileFormats() {
  static const std::vector<CompileFormat> formats = {
      {"shell", EmitShell, true},
      {"json", EmitJson, false},
      {"args", EmitArgs, false},
      {"systemd", EmitSystemdUnit, false},
  };
  return formats;
}

std::vector<std::string_view> CompileFormatNames() {
  std::vector<std::string_view> names;
  for (const CompileFormat& format : CompileFormats()) names.push_back(format.name);
  return names;
}

po::options_description CompileOptions() {
  po::options_description options("options");
  const std::string format_help = "output format: " + JoinChoices(CompileFormatNames());
  options.add_options()("format,f",
                        po::value<std::string>()->value_name("FORMAT")->default_value("shell"),
                        format_help.c_str());
  options.add_options()(
      "output,o", po::value<std::string>()->value_name("FILE"),
      "write to FILE atomically instead of standard output ('-'); a link to a regular "
      "file is written through")(
      "no-host-checks", "do not look at the machine: no PATH lookup, no file existence checks")(
      "check", "with -o: write nothing; exit 1 with a diff when FILE is not what would be written");
  AddLayerOptions(options, true);
  options.add_options()("help,h", "show this help");
  return options;
}

po::options_description ValidateOptions() {
  po::options_description options("options");
  options.add_options()("jobs,j", po::value<int>()->value_name("N")->default_value(1),
                        "check N profiles at once (the output does not change)");
  AddLayerOptions(options, false);
  options.add_options()("help,h", "show this help");
  return options;
}

po::options_description ResolveOptions() {
  po::options_description options("options");
  options.add_options()("output-format",
                        po::value<std::string>()->value_name("FORMAT")->default_value("yaml"),
                        "yaml or json")("show-origin", "show where each value was set");
  AddLayerOptions(options, true);
  options.add_options()("help,h", "show this help");
  return options;
}

// help has no options of its own.
po::options_description HelpOnlyOptions() {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  return options;
}

std::vector<std::string> Values(const CommandLine& line, const char* option) {
  return line.values.count(option) ? line.values[option].as<std::vector<std::string>>()
                                   : std::vector<std::string>{};
}

// -O, --set and -D for `profile`; a bad --set path or -D name is a usage error.
ProfileRequest ReadProfileRequest(const CommandLine& line, const std::string& profile,
                                  const std::string& command) {
  ProfileRequest request;
  request.profile = profile;
  request.overlays = Values(line, "overlay");
  for (const std::string& argument : Values(line, "set")) {
    auto assignment = ParseAssignment(argument);
    if (const auto* error = std::get_if<std::string>(&assignment)) {
      throw UsageError{"--set " + Quoted(argument) + ": " + *error, command};
    }
    request.sets.push_back(std::get<Assignment>(std::move(assignment)));
  }
  for (const std::string& define : Values(line, "define")) {
    const size_t equals = define.find('=');
    if (FindInvalidUtf8(define)) {
      throw UsageError{"-D " + Quoted(define) + ": the value is not valid UTF-8", command};
    }
    if (equals == std::string::npos || !IsVariableName(define.substr(0, equals))) {
      throw UsageError{
          "-D " + Quoted(define) + ": expected NAME=VALUE with NAME of letters, digits and '_'",
          command};
    }
    request.defines.push_back(define);
  }
  return request;
}

// --check: quiet when FILE is fresh; otherwise a unified diff from FILE to the new text goes to
// stdout and the status is 1 (for pre-commit hooks).
int CheckFresh(const std::string& output, const std::string& text, bool executable,
               Console& console) {
  const Freshness freshness = CheckFreshness(output, text, executable);
  if (freshness.fresh) return kExitOk;
  console.out << freshness.diff;
  console.err << "qemuc: error: " << EscapeForTerminal(freshness.error) << "\n";
  return kExitProblem;
}

// Writes the output to stdout or, with -o FILE, atomically to FILE; never over a file the run
// read (`inputs`).
int Deliver(const CommandLine& line, const std::string& profile, const CompileFormat& format,
            const Emitted& emitted, const std::vector<std::string>& inputs, Console& console) {
  if (!emitted.error.empty()) {
    console.err << "qemuc: error: " << EscapeForTerminal(profile) << ": "
                << EscapeForTerminal(emitted.error) << "\n";
    return kExitProblem;
  }
  const std::string output =
      line.values.count("output") ? line.values["output"].as<std::string>() : "-";
  if (line.values.count("check"))
    return CheckFresh(output, emitted.text, format.executable, console);
  if (output == "-") {
    console.out << emitted.text;
    return kExitOk;
  }
  const std::string error = WriteFileAtomically(output, emitted.text, format.executable, inputs);
  if (!error.empty()) {
    console.err << "qemuc: error: cannot write " << EscapeForTerminal(output) << ": "
                << EscapeForTerminal(error) << "\n";
    return kExitProblem;
  }
  return kExitOk;
}

int RunCompile(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) throw UsageError{"compile takes exactly one PROFILE", "compile"};
  const size_t chosen = RequireChoice("format", line.values["format"].as<std::string>(),
                                      CompileFormatNames(), "compile");
  const CompileFormat& format = CompileFormats()[chosen];
  const bool to_stdout =
      !line.values.count("output") || line.values["output"].as<std::string>() == "-";
  if (line.values.count("check") && to_stdout) {
    throw UsageError{"--check needs -o FILE: the generated file to compare", "compile"};
  }
  CompileRequest request;
  request.profile = ReadProfileRequest(line, line.inputs[0], "compile");
  request.kernel_args = line.after_dashes;
  request.host_checks = line.values.count("no-host-checks") == 0;
  // Every file the run reads is recorded: -o must not replace any of them.
  const RecordingFileReader reader(environment.reader);
  Environment recorded{reader, environment.host, environment.sources, environment.cache};
  Diagnostics diagnostics;
  const std::optional<Invocation> invocation = CompileProfile(request, recorded, diagnostics);
  PrintDiagnostics(diagnostics, line, console);
  if (!invocation) return kExitProblem;
  return Deliver(line, request.profile.profile, format, format.emit(*invocation), reader.paths(),
                 console);
}

int RunValidate(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.empty()) throw UsageError{"validate needs at least one PROFILE", "validate"};
  // An int, not unsigned: Boost reads "-1" as 4294967295 for an unsigned option.
  const int jobs = line.values["jobs"].as<int>();
  if (jobs < 1 || jobs > kMaxJobs) {
    throw UsageError{"--jobs must be from 1 to " + std::to_string(kMaxJobs), "validate"};
  }
  std::vector<ProfileRequest> requests;
  for (const std::string& profile : line.inputs) {
    requests.push_back(ReadProfileRequest(line, profile, "validate"));
  }
  DiagnosticPrinter printer(line, console);
  bool problems = false;
  for (const Diagnostics& found :
       ValidateProfiles(requests, environment, static_cast<unsigned>(jobs))) {
    printer.Print(found);
    problems = problems || found.has_errors();
  }
  return problems ? kExitProblem : kExitOk;
}

int RunResolve(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) throw UsageError{"resolve takes exactly one PROFILE", "resolve"};
  const std::string format = line.values["output-format"].as<std::string>();
  RequireChoice("output format", format, {"yaml", "json"}, "resolve");
  Diagnostics diagnostics;
  const std::optional<ResolvedProfile> resolved =
      ResolveProfile(ReadProfileRequest(line, line.inputs[0], "resolve"), environment, diagnostics);
  PrintDiagnostics(diagnostics, line, console);
  if (!resolved) return kExitProblem;
  console.out << EmitProfile(*resolved->merged,
                             ProfileName(*resolved->merged, *resolved->stack.profile),
                             format == "json" ? ProfileFormat::kJson : ProfileFormat::kYaml,
                             line.values.count("show-origin") > 0);
  return kExitOk;
}

po::options_description PowerdownOptions() {
  po::options_description options("options");
  options.add_options()(
      "timeout", po::value<double>()->value_name("S")->default_value(60),
      "seconds the whole run may take, waiting for QEMU to end included (at most 86400)")(
      "help,h", "show this help");
  return options;
}

int RunQmpPowerdown(const CommandLine& line, Environment&, Console& console) {
  if (line.inputs.size() != 2)
    throw UsageError{"qmp-powerdown takes SOCKET and PID", "qmp-powerdown"};
  const std::optional<long> pid = ParsePowerdownPid(line.inputs[1]);
  if (!pid) {
    throw UsageError{"PID must be a process id from 1 to " + std::to_string(kMaxPid) + ", not " +
                         Quoted(line.inputs[1]),
                     "qmp-powerdown"};
  }
  const double timeout = line.values["timeout"].as<double>();
  if (!PowerdownTimeoutInRange(timeout)) {
    throw UsageError{
        "--timeout must be more than 0 and at most 86400 seconds, not " + FormatSeconds(timeout),
        "qmp-powerdown"};
  }
  const PowerdownResult result = QmpPowerdown(line.inputs[0], *pid, timeout);
  // The message may quote what the peer sent: escaped, as every diagnostic is.
  if (!result.message.empty()) {
    console.err << "qemuc: qmp-powerdown: " << EscapeForTerminal(result.message) << "\n";
  }
  return result.status;
}

int RunSchema(const CommandLine& line, Environment&, Console& console) {
  if (!line.inputs.empty()) throw UsageError{"schema takes no arguments", "schema"};
  console.out << EmitJsonSchema();
  return kExitOk;
}

void PrintUsage(std::ostream& out) {
  out << "usage: qemuc COMMAND [options] [arguments]\n"
         "       qemuc --help | --version | help COMMAND\n\n"
         "qemuc compiles QEMU launch profiles (YAML) into a launch script, JSON, arguments or a\n"
         "systemd unit.\n\n"
         "commands:\n";
  for (const Command& command : Commands()) {
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
      {"validate", "qemuc validate PROFILE... [options]",
       "Check profiles without compiling them; never looks at the host.", ValidateOptions, false,
       RunValidate},
      {"resolve", "qemuc resolve PROFILE [options]",
       "Print the merged profile, with every layer applied and every path resolved.",
       ResolveOptions, false, RunResolve},
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
    console.out << "qemuc " << kQemucVersion << "\n";
    return kExitOk;
  }
  throw UsageError{"unknown option " + Quoted(option), ""};
}

}  // namespace

bool UseColour(bool stderr_is_terminal, const char* no_color) {
  return stderr_is_terminal && (no_color == nullptr || *no_color == '\0');
}

int RunCli(const std::vector<std::string>& args, Environment& environment, Console& console) {
  try {
    if (args.empty()) throw UsageError{"no command given", ""};
    if (args[0].size() > 1 && args[0][0] == '-') return RunGlobal(args, console);
    for (const Command& command : Commands()) {
      if (command.name == args[0]) {
        return RunCommand(command, std::vector<std::string>(args.begin() + 1, args.end()),
                          environment, console);
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
