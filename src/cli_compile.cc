// qemuc compile (SPEC §4): one profile to one output.
#include <iostream>

#include "cli_commands.h"
#include "output_file.h"
#include "output_format.h"
#include "text.h"
#include "utf8.h"

namespace qemuc {
namespace {

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
int Deliver(const CommandLine& line, const std::string& profile, const OutputFormat& format,
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

}  // namespace

po::options_description CompileOptions() {
  po::options_description options("options");
  const std::string format_help = "output format: " + JoinChoices(OutputFormatNames());
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

int RunCompile(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) throw UsageError{"compile takes exactly one PROFILE", "compile"};
  const size_t chosen = RequireChoice("format", line.values["format"].as<std::string>(),
                                      OutputFormatNames(), "compile");
  const OutputFormat& format = OutputFormats()[chosen];
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

}  // namespace qemuc
