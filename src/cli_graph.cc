// qemuc graph (SPEC §8): the files that make up profiles, as Graphviz DOT.
#include <iostream>

#include "cli_commands.h"

namespace qemuc {

po::options_description GraphOptions() {
  po::options_description options("options");
  options.add_options()("error-format",
                        po::value<std::string>()->value_name("FORMAT")->default_value("gcc"),
                        "diagnostics as gcc (file:line:col: text) or json (one object a line)")(
      "help,h", "show this help");
  return options;
}

int RunGraph(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.empty()) throw UsageError{"graph needs at least one PROFILE", "graph"};
  return ShowGraph(line.inputs, {}, line, environment, console);
}

int ShowGraph(const std::vector<std::string>& profiles, const std::vector<OverlayUse>& overlay_uses,
              const CommandLine& line, Environment& environment, Console& console) {
  std::vector<ProfileRequest> requests;
  for (const std::string& profile : profiles) requests.push_back({profile, {}, {}, {}});
  DiagnosticPrinter printer(line, console);
  bool problems = false;
  for (const Diagnostics& found : ValidateProfiles(requests, environment, 1)) {
    printer.Print(found);
    problems = problems || found.has_errors();
  }
  // After validation, so that the files are read once and named in diagnostics as given.
  ProfileGraphLoader loader(environment);
  for (const std::string& profile : profiles) loader.AddProfile(profile);
  for (const OverlayUse& use : overlay_uses) {
    loader.AddOverlayUse(use.profile, use.overlay_file, use.label);
  }
  console.out << RenderDot(loader.graph());
  return problems ? kExitProblem : kExitOk;
}

}  // namespace qemuc
