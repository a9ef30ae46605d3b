// qemuc validate, resolve and schema: commands that check or show profiles without compiling.
#include <iostream>
#include <optional>

#include "cli_cache.h"
#include "cli_commands.h"
#include "emit_profile.h"
#include "emit_schema.h"
#include "lower.h"
#include "text.h"
#include "utf8.h"

namespace qemuc {
namespace {

// The line of `text` that holds the byte at `offset`, without its indentation.
std::string LineAround(const std::string& text, size_t offset) {
  const size_t newline = text.rfind('\n', offset);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  const size_t end = std::min(text.find('\n', offset), text.size());
  const size_t first = std::min(text.find_first_not_of(' ', start), end);
  return text.substr(first, end - first);
}

}  // namespace

po::options_description ValidateOptions() {
  po::options_description options("options");
  AddJobsOption(options, "check N profiles");
  AddLayerOptions(options, false);
  AddCacheOptions(options);
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

int RunValidate(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.empty()) throw UsageError{"validate needs at least one PROFILE", "validate"};
  const unsigned jobs = ReadJobs(line, "validate");
  // Every profile takes the same options: read (and refused) once, before anything is checked.
  const ProfileRequest options = ReadProfileRequest(line, "", "validate");
  const auto request_at = [&](size_t i) {
    ProfileRequest request = options;
    request.profile = line.inputs[i];
    return request;
  };
  environment.cache.set_retention(Retention::kReleaseProfiles);
  const std::unique_ptr<ResultCache> results = OpenResultCache(line, environment);
  DiagnosticPrinter printer(line, console);
  bool problems = false;
  ValidateProfiles(
      line.inputs.size(), request_at, environment, jobs,
      [&](size_t, const Diagnostics& found) {
        printer.Print(found);
        problems = problems || found.has_errors();
      },
      results.get());
  CloseResultCache(results.get(), line, console);
  return problems ? kExitProblem : kExitOk;
}

int RunResolve(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) throw UsageError{"resolve takes exactly one PROFILE", "resolve"};
  const std::string format = line.values["output-format"].as<std::string>();
  RequireChoice("output format", format, {"yaml", "json"}, "resolve");
  Diagnostics diagnostics;
  const std::optional<ResolvedProfile> resolved =
      ResolveProfile(ReadProfileRequest(line, line.inputs[0], "resolve"), environment, diagnostics);
  if (!resolved) {
    PrintDiagnostics(diagnostics, line, console);
    return kExitProblem;
  }
  const std::string text =
      EmitProfile(*resolved->merged, ProfileName(*resolved->merged, *resolved->stack.profile),
                  format == "json" ? ProfileFormat::kJson : ProfileFormat::kYaml,
                  line.values.count("show-origin") > 0);
  // Profiles and command-line values are UTF-8 by then, but a relative path resolves against
  // directories whose names may not be: JSON and YAML cannot carry such bytes.
  if (const std::optional<size_t> bad = FindInvalidUtf8(text)) {
    diagnostics
        .Error({}, "the resolved profile holds bytes that are not UTF-8, which " + format +
                       " cannot represent: " + Quoted(LineAround(text, *bad)))
        .notes.push_back({"the bytes come from a directory name (a relative path resolves "
                          "against the directory of its file); rename the directory, or write "
                          "the path absolute",
                          {}});
    PrintDiagnostics(diagnostics, line, console);
    return kExitProblem;
  }
  PrintDiagnostics(diagnostics, line, console);
  console.out << text;
  return kExitOk;
}

int RunSchema(const CommandLine& line, Environment&, Console& console) {
  if (!line.inputs.empty()) throw UsageError{"schema takes no arguments", "schema"};
  console.out << EmitJsonSchema();
  return kExitOk;
}

}  // namespace qemuc
