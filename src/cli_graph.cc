// qemuc graph (SPEC §8): the files that make up profiles, as Graphviz DOT.
#include <iostream>

#include "cli_commands.h"
#include "cli_project.h"
#include "layers.h"

namespace qemuc {

po::options_description GraphOptions() {
  po::options_description options("options");
  AddDirectoryOption(options);
  AddErrorFormatOption(options);
  options.add_options()("help,h", "show this help");
  return options;
}

int RunGraph(const CommandLine& line, Environment& environment, Console& console) {
  RefuseDirectoryWithProfiles(line, "graph");
  if (!line.inputs.empty()) return ShowGraph(line.inputs, {}, line, environment, console);
  Diagnostics diagnostics;
  const std::optional<ProjectProfileSet> set = OpenProjectProfiles(line, environment, diagnostics);
  PrintDiagnostics(diagnostics, line, console);
  if (!set) return kExitProblem;
  // An overlay file an output applies is drawn from its profile, labelled with the output.
  std::vector<OverlayUse> uses;
  for (const ProjectOutput& output : set->project.outputs) {
    for (const std::string& overlay : output.request.overlays) {
      if (IsOverlayFile(overlay)) uses.push_back({output.request.profile, overlay, output.file});
    }
  }
  const int status = ShowGraph(set->profiles, uses, line, environment, console);
  return diagnostics.has_errors() ? kExitProblem : status;
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
