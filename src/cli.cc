#include "cli.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>

#include "output_file.h"
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

struct Command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  std::function<po::options_description()> options;
  std::function<int(const std::vector<std::string>&, Environment&, Console&)> run;
};

const std::vector<Command>& Commands();

void PrintDiagnostics(const Diagnostics& diagnostics, Console& console) {
  for (const Diagnostic& diagnostic : diagnostics.all())
    console.err << RenderDiagnostic(diagnostic, console.colour);
}

// Parses one command's arguments strictly; positionals go to "input" (shown in the synopsis).
po::variables_map ParseCommandLine(const Command& command, const std::vector<std::string>& args) {
  po::options_description visible = command.options();
  po::options_description all;
  all.add(visible).add_options()("input", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).style(kStyle).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError{error.what(), std::string(command.name)};
  }
  return values;
}

std::vector<std::string> Inputs(const po::variables_map& values) {
  return values.count("input") ? values["input"].as<std::vector<std::string>>()
                               : std::vector<std::string>{};
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "usage: " << command.synopsis << "\n\n" << command.summary << "\n\n" << command.options();
}

po::options_description CompileOptions() {
  po::options_description options("options");
  options.add_options()("format,f",
                        po::value<std::string>()->value_name("FORMAT")->default_value("shell"),
                        "output format: shell, json or args")(
      "output,o", po::value<std::string>()->value_name("FILE"),
      "write to FILE (atomically) instead of standard output")(
      "no-host-checks", "do not look at the machine: no PATH lookup, no file existence checks")(
      "help,h", "show this help");
  return options;
}

po::options_description ValidateOptions() {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  return options;
}

Emitted Emit(const std::string& format, const Invocation& invocation) {
  if (format == "json") return EmitJson(invocation);
  if (format == "args") return EmitArgs(invocation);
  return EmitShell(invocation);
}

int RunCompile(const std::vector<std::string>& raw_args, Environment& environment,
               Console& console) {
  // Everything after the first "--" is kernel arguments, split off before option parsing.
  const auto dashes = std::find(raw_args.begin(), raw_args.end(), "--");
  const std::vector<std::string> args(raw_args.begin(), dashes);
  const Command& command = Commands()[0];
  const po::variables_map values = ParseCommandLine(command, args);
  if (values.count("help")) {
    PrintCommandHelp(command, console.out);
    return kExitOk;
  }
  const std::vector<std::string> inputs = Inputs(values);
  if (inputs.size() != 1) throw UsageError{"compile takes exactly one PROFILE", "compile"};
  const std::string format = values["format"].as<std::string>();
  if (format != "shell" && format != "json" && format != "args") {
    throw UsageError{"unknown format '" + format + "' (choose shell, json or args)", "compile"};
  }

  CompileRequest request;
  request.profile = inputs[0];
  if (dashes != raw_args.end()) request.kernel_args.assign(dashes + 1, raw_args.end());
  request.host_checks = values.count("no-host-checks") == 0;
  Diagnostics diagnostics;
  const std::optional<Invocation> invocation = CompileProfile(request, environment, diagnostics);
  PrintDiagnostics(diagnostics, console);
  if (!invocation) return kExitProblem;

  const Emitted emitted = Emit(format, *invocation);
  if (!emitted.error.empty()) {
    console.err << "qemuc: error: " << request.profile << ": " << emitted.error << "\n";
    return kExitProblem;
  }
  if (!values.count("output")) {
    console.out << emitted.text;
    return kExitOk;
  }
  const std::string output = values["output"].as<std::string>();
  const std::string error = WriteFileAtomically(output, emitted.text, format == "shell");
  if (!error.empty()) {
    console.err << "qemuc: error: cannot write " << output << ": " << error << "\n";
    return kExitProblem;
  }
  return kExitOk;
}

int RunValidate(const std::vector<std::string>& args, Environment& environment, Console& console) {
  const Command& command = Commands()[1];
  const po::variables_map values = ParseCommandLine(command, args);
  if (values.count("help")) {
    PrintCommandHelp(command, console.out);
    return kExitOk;
  }
  const std::vector<std::string> inputs = Inputs(values);
  if (inputs.empty()) throw UsageError{"validate needs at least one PROFILE", "validate"};
  Diagnostics diagnostics;
  for (const std::string& profile : inputs) ValidateProfile(profile, environment, diagnostics);
  PrintDiagnostics(diagnostics, console);
  return diagnostics.has_errors() ? kExitProblem : kExitOk;
}

void PrintUsage(std::ostream& out) {
  out << "usage: qemuc COMMAND [options] [arguments]\n"
         "       qemuc --help | --version | help COMMAND\n\n"
         "qemuc compiles QEMU launch profiles (YAML) into a launch script, JSON or arguments.\n\n"
         "commands:\n";
  for (const Command& command : Commands()) {
    out << "  " << command.name << std::string(11 - command.name.size(), ' ') << command.summary
        << "\n";
  }
  out << "\nexit status: 0 success, 1 a problem with the input, host or output, 2 a usage error\n";
}

int RunHelp(const std::vector<std::string>& args, Environment&, Console& console) {
  if (args.size() > 1) throw UsageError{"help takes at most one COMMAND", "help"};
  if (args.empty()) {
    PrintUsage(console.out);
    return kExitOk;
  }
  for (const Command& command : Commands()) {
    if (command.name == args[0]) {
      PrintCommandHelp(command, console.out);
      return kExitOk;
    }
  }
  throw UsageError{"unknown command '" + args[0] + "'", ""};
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"compile", "qemuc compile PROFILE [options] [-- KERNEL_ARG...]",
       "Compile a profile to a launch script (default), JSON or plain arguments.", CompileOptions,
       RunCompile},
      {"validate", "qemuc validate PROFILE...",
       "Check profiles without compiling them; never looks at the host.", ValidateOptions,
       RunValidate},
      {"help", "qemuc help [COMMAND]", "Show help for qemuc or one command.",
       [] { return po::options_description("options"); }, RunHelp},
  };
  return commands;
}

int RunGlobal(const std::vector<std::string>& args, Console& console) {
  const std::string& option = args[0];
  if (args.size() > 1 && (option == "--help" || option == "-h" || option == "--version")) {
    throw UsageError{"unexpected argument '" + args[1] + "' after " + option, ""};
  }
  if (option == "--help" || option == "-h") {
    PrintUsage(console.out);
    return kExitOk;
  }
  if (option == "--version") {
    console.out << "qemuc " << kQemucVersion << "\n";
    return kExitOk;
  }
  throw UsageError{"unknown option '" + option + "'", ""};
}

}  // namespace

int RunCli(const std::vector<std::string>& args, Environment& environment, Console& console) {
  try {
    if (args.empty()) throw UsageError{"no command given", ""};
    if (args[0].size() > 1 && args[0][0] == '-') return RunGlobal(args, console);
    for (const Command& command : Commands()) {
      if (command.name == args[0]) {
        return command.run(std::vector<std::string>(args.begin() + 1, args.end()), environment,
                           console);
      }
    }
    throw UsageError{"unknown command '" + args[0] + "'", ""};
  } catch (const UsageError& error) {
    console.err << "qemuc: error: " << error.message << "\n";
    console.err << "Try 'qemuc " << (error.command.empty() ? "--help" : "help " + error.command)
                << "'.\n";
    return kExitUsage;
  }
}

}  // namespace qemuc
