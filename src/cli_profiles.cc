// qemuc validate, resolve and schema: commands that check or show profiles without compiling.
#include <iostream>

#include "cli_commands.h"
#include "emit_profile.h"
#include "emit_schema.h"
#include "lower.h"

namespace qemuc {

po::options_description ValidateOptions() {
  po::options_description options("options");
  AddJobsOption(options, "check N profiles");
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

int RunValidate(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.empty()) throw UsageError{"validate needs at least one PROFILE", "validate"};
  const unsigned jobs = ReadJobs(line, "validate");
  std::vector<ProfileRequest> requests;
  for (const std::string& profile : line.inputs) {
    requests.push_back(ReadProfileRequest(line, profile, "validate"));
  }
  DiagnosticPrinter printer(line, console);
  bool problems = false;
  for (const Diagnostics& found : ValidateProfiles(requests, environment, jobs)) {
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

int RunSchema(const CommandLine& line, Environment&, Console& console) {
  if (!line.inputs.empty()) throw UsageError{"schema takes no arguments", "schema"};
  console.out << EmitJsonSchema();
  return kExitOk;
}

}  // namespace qemuc
