// qemuc compile (SPEC §4): one profile to one output.
#include <sys/stat.h>

#include <iostream>
#include <optional>

#include "cli_commands.h"
#include "depfile.h"
#include "output_file.h"
#include "output_format.h"
#include "paths.h"
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

// Whether `a` and `b` name one file: the same device and inode when both exist, else the same
// absolute path (the -o file and the depfile may both be new).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat a_info {};
  struct stat b_info {};
  if (stat(a.c_str(), &a_info) == 0 && stat(b.c_str(), &b_info) == 0)
    return a_info.st_dev == b_info.st_dev && a_info.st_ino == b_info.st_ino;
  return AbsolutePath(a) == AbsolutePath(b);
}

// --depfile FILE: what the depfile will hold, decided before the output is written so that a
// depfile that cannot be right leaves nothing written. Its target is -o FILE as given; its
// dependencies are the files the run read (`inputs`: profile, parents, overlay files), in the
// order first read. Prints why and returns nothing when the depfile would replace the output or
// an input, or names a path that make or ninja cannot read back.
std::optional<std::string> PlanDepfile(const std::string& depfile, const std::string& output,
                                       const std::vector<std::string>& inputs, Console& console) {
  std::string why;
  if (SameFile(depfile, output)) why = "it is the -o file";
  for (const std::string& input : inputs) {
    if (why.empty() && SameFile(depfile, input)) why = "it is an input of this run (" + input + ")";
  }
  if (!why.empty()) {
    console.err << "qemuc: error: cannot write depfile " << EscapeForTerminal(depfile) << ": "
                << EscapeForTerminal(why) << "\n";
    return std::nullopt;
  }
  RenderedDepfile rendered = RenderDepfile({{output, inputs}});
  if (!rendered.error.empty()) {
    console.err << "qemuc: error: " << EscapeForTerminal(rendered.error) << "\n";
    return std::nullopt;
  }
  return std::move(rendered.text);
}

// Writes the planned depfile after the output; a failure says that the output was written.
int WriteDepfile(const std::string& depfile, const std::string& text, const std::string& output,
                 Console& console) {
  const std::string error = WriteFileAtomically(depfile, text, false);
  if (error.empty()) return kExitOk;
  console.err << "qemuc: error: cannot write depfile " << EscapeForTerminal(depfile) << ": "
              << EscapeForTerminal(error) << " (" << EscapeForTerminal(output) << " was written)\n";
  return kExitProblem;
}

// Writes the output to stdout or, with -o FILE, atomically to FILE; never over a file the run
// read (`inputs`). With --depfile, the depfile follows the output.
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
  // "" without --depfile: RequireDepfileUsage refused an empty name.
  const std::string depfile =
      line.values.count("depfile") ? line.values["depfile"].as<std::string>() : "";
  std::optional<std::string> depfile_text;
  if (!depfile.empty()) {
    depfile_text = PlanDepfile(depfile, output, inputs, console);
    if (!depfile_text) return kExitProblem;
  }
  const std::string error =
      WriteFileAtomically(output, emitted.text, format.executable, InputFiles(inputs));
  if (!error.empty()) {
    console.err << "qemuc: error: cannot write " << EscapeForTerminal(output) << ": "
                << EscapeForTerminal(error) << "\n";
    return kExitProblem;
  }
  return depfile_text ? WriteDepfile(depfile, *depfile_text, output, console) : kExitOk;
}

// --depfile names the -o file: it needs one, and --check writes nothing to name.
void RequireDepfileUsage(const CommandLine& line, bool to_stdout) {
  if (!line.values.count("depfile")) return;
  if (line.values["depfile"].as<std::string>().empty())
    throw UsageError{"--depfile needs a file name", "compile"};
  if (line.values.count("check"))
    throw UsageError{"--depfile cannot be used with --check, which writes nothing", "compile"};
  if (to_stdout)
    throw UsageError{"--depfile needs -o FILE: the generated file that the depfile names",
                     "compile"};
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
      "check", "with -o: write nothing; exit 1 with a diff when FILE is not what would be written")(
      "depfile", po::value<std::string>()->value_name("FILE"),
      "with -o: after the output, write a Make-syntax depfile to FILE naming every file read to "
      "make it (for meson, ninja and make)");
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
  RequireDepfileUsage(line, to_stdout);
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
