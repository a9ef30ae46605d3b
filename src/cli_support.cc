#include "cli_support.h"

#include <algorithm>
#include <thread>

#include "text.h"
#include "utf8.h"
#include "variables.h"

namespace qemuc {

DiagnosticPrinter::DiagnosticPrinter(const CommandLine& line, Console& console)
    : console_(console), json_(line.values["error-format"].as<std::string>() == "json") {}

void DiagnosticPrinter::Print(const Diagnostics& diagnostics) {
  for (const Diagnostic& diagnostic : diagnostics.all()) {
    const SourceRange& at = diagnostic.range;
    const auto key = std::make_tuple(at.file != nullptr ? at.file->path() : "", at.line, at.column,
                                     diagnostic.message);
    if (diagnostic.shared && !printed_.insert(key).second) continue;
    if (limit_.Admit(diagnostic)) Render(diagnostic);
  }
  for (const Diagnostic& summary : limit_.TakeSummaries()) Render(summary);
}

void DiagnosticPrinter::Render(const Diagnostic& diagnostic) {
  console_.err << (json_ ? RenderDiagnosticJson(diagnostic)
                         : RenderDiagnostic(diagnostic, console_.colour));
}

void PrintDiagnostics(const Diagnostics& diagnostics, const CommandLine& line, Console& console) {
  DiagnosticPrinter(line, console).Print(diagnostics);
}

size_t PrintMergedDiagnostics(const Diagnostics& diagnostics, const CommandLine& line,
                              Console& console) {
  const Diagnostics merged = MergeRepeated(diagnostics);
  PrintDiagnostics(merged, line, console);
  return merged.error_count();
}

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

void AddErrorFormatOption(po::options_description& options) {
  options.add_options()("error-format",
                        po::value<std::string>()->value_name("FORMAT")->default_value("gcc"),
                        "diagnostics as gcc (file:line:col: text) or json (one object a line)");
}

void AddJobsOption(po::options_description& options, std::string_view work) {
  const std::string help =
      std::string(work) + " at once (default: one per core; the output does not change)";
  options.add_options()("jobs,j", po::value<int>()->value_name("N"), help.c_str());
}

unsigned ReadJobs(const CommandLine& line, const std::string& command) {
  // No default in the option itself, so that --help reads the same on every machine.
  if (line.values.count("jobs") == 0) return std::max(1u, std::thread::hardware_concurrency());
  // An int, not unsigned: Boost reads "-1" as 4294967295 for an unsigned option.
  const int jobs = line.values["jobs"].as<int>();
  if (jobs < 1 || jobs > kMaxJobs) {
    throw UsageError{"--jobs must be from 1 to " + std::to_string(kMaxJobs), command};
  }
  return static_cast<unsigned>(jobs);
}

void AddLayerOptions(po::options_description& options, bool with_set) {
  AddErrorFormatOption(options);
  options.add_options()("overlay,O", po::value<std::vector<std::string>>()->value_name("OVERLAY"),
                        "apply an overlay: a name from the profile's overlays, or a file")(
      "define,D", po::value<std::vector<std::string>>()->value_name("NAME=VALUE"),
      "set the variable NAME (wins over vars)");
  if (with_set) {
    options.add_options()("set", po::value<std::vector<std::string>>()->value_name("PATH=VALUE"),
                          "set a value, e.g. qemu.cpus=8 or qemu.drives[blk0].file=/x.img");
  }
}

std::vector<std::string> Values(const CommandLine& line, const char* option) {
  return line.values.count(option) ? line.values[option].as<std::vector<std::string>>()
                                   : std::vector<std::string>{};
}

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

}  // namespace qemuc
