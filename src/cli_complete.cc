// qemuc complete-overlays PROFILE: a hidden command for the shell completions (completions/),
// which complete -O's value with the overlays that the profile on the command line defines.
#include <algorithm>
#include <optional>

#include "cli_commands.h"
#include "profile_list.h"

namespace qemuc {
namespace {

// One name a line: a name holding a control character could not be told from two names (and
// cannot be typed at a prompt as it is), so it is left out.
bool FitsOnOneLine(const std::string& name) {
  return std::none_of(name.begin(), name.end(),
                      [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; });
}

}  // namespace

po::options_description CompleteOverlaysOptions() {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  return options;
}

int RunCompleteOverlays(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) {
    throw UsageError{"complete-overlays takes one PROFILE", "complete-overlays"};
  }
  // Never printed: the shell calls this at each TAB, and diagnostics would be written over the
  // command line being typed. A profile that does not resolve has no overlays to offer.
  Diagnostics diagnostics;
  const std::optional<ResolvedProfile> resolved =
      ResolveProfile({line.inputs[0], {}, {}, {}}, environment, diagnostics);
  if (!resolved) return kExitProblem;
  for (const std::string& name : OverlayNames(*resolved->merged)) {
    if (FitsOnOneLine(name)) console.out << name << "\n";
  }
  return kExitOk;
}

}  // namespace qemuc
