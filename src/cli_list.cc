// qemuc list (SPEC §8): one row per compilable profile, as a table or JSON.
#include <iostream>
#include <set>

#include "cli_commands.h"
#include "cli_project.h"
#include "paths.h"
#include "profile_list.h"
#include "utf8.h"

namespace qemuc {

po::options_description ListOptions() {
  po::options_description options("options");
  options.add_options()("format,f",
                        po::value<std::string>()->value_name("FORMAT")->default_value("table"),
                        "table (for people) or json (for programs)");
  AddDirectoryOption(options);
  AddErrorFormatOption(options);
  options.add_options()("help,h", "show this help");
  return options;
}

int RunList(const CommandLine& line, Environment& environment, Console& console) {
  RefuseDirectoryWithProfiles(line, "list");
  if (!line.inputs.empty()) return ShowList(line.inputs, line, environment, console);
  Diagnostics diagnostics;
  const std::optional<ProjectProfileSet> set = OpenProjectProfiles(line, environment, diagnostics);
  PrintDiagnostics(diagnostics, line, console);
  if (!set) return kExitProblem;
  const int status = ShowList(set->profiles, line, environment, console);
  return diagnostics.has_errors() ? kExitProblem : status;
}

int ShowList(const std::vector<std::string>& profiles, const CommandLine& line,
             Environment& environment, Console& console) {
  const bool json = RequireChoice("format", line.values["format"].as<std::string>(),
                                  {"table", "json"}, "list") == 1;
  DiagnosticPrinter printer(line, console);
  bool problems = false;
  std::vector<ListRow> rows;
  std::set<std::string> listed;  // a profile named twice is one row
  for (const std::string& profile : profiles) {
    if (!listed.insert(AbsolutePath(profile)).second) continue;
    Diagnostics diagnostics;
    const std::optional<ResolvedProfile> resolved =
        ResolveProfile({profile, {}, {}, {}}, environment, diagnostics);
    printer.Print(diagnostics);
    problems = problems || !resolved;
    if (resolved && resolved->abstract == nullptr) rows.push_back(ListRowOf(*resolved, profile));
  }
  if (!json) {
    console.out << RenderListTable(rows);
    return problems ? kExitProblem : kExitOk;
  }
  const Emitted emitted = RenderListJson(rows);
  if (!emitted.error.empty()) {
    console.err << "qemuc: error: " << EscapeForTerminal(emitted.error) << "\n";
    return kExitProblem;
  }
  console.out << emitted.text;
  return problems ? kExitProblem : kExitOk;
}

}  // namespace qemuc
