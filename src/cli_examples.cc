#include "cli_examples.h"

#include <map>

namespace qemuc {

const std::vector<CommandExample>& ExamplesOf(std::string_view command) {
  static const std::map<std::string_view, std::vector<CommandExample>> examples = {
      {"compile",
       {{"qemuc compile boards/x64-dev.yaml", "print the board's launch script"},
        {"qemuc compile boards/x64-dev.yaml -O kvm -f json",
         "its argv as JSON, with the board's kvm overlay applied"},
        {"qemuc compile boards/x64-test.yaml -o x64-test.sh --set qemu.cpus=4",
         "write the script to a file, with 4 vCPUs"}}},
      {"run",
       {{"qemuc run boards/x64-dev.yaml --dry-run", "print what QEMU would be given, one a line"},
        {"qemuc run boards/x64-dev.yaml -O kvm -- loglevel=7",
         "boot the board with KVM and one more kernel argument"}}},
      {"validate",
       {{"qemuc validate boards/*.yaml", "check every board, as a pre-commit hook does"},
        {"qemuc validate --error-format json boards/x64-dev.yaml",
         "diagnostics as one JSON object a line, for an editor"},
        {"qemuc validate -O kvm boards/x64-dev.yaml", "check the board with an overlay applied"}}},
      {"resolve",
       {{"qemuc resolve boards/x64-dev.yaml", "the board with every layer merged in"},
        {"qemuc resolve --show-origin -O kvm boards/x64-dev.yaml", "which file set each value"}}},
      {"check",
       {{"qemuc check", "check qemuc.yaml's profiles and outputs (from this directory upward)"},
        {"qemuc check -j 1 --cache-stats",
         "on one thread, saying how many profiles the result cache answered"}}},
      {"build",
       {{"qemuc build", "write the outputs of qemuc.yaml that are stale or missing"},
        {"qemuc build generated/x64-dev.sh", "write one output"},
        {"qemuc build --check", "write nothing: exit 1 with a diff when an output is stale"}}},
      {"graph",
       {{"qemuc graph | dot -Tsvg -o graph.svg", "draw the repository's profiles"},
        {"qemuc graph boards/x64-dev.yaml", "the files one board is made of"}}},
      {"list",
       {{"qemuc list", "the boards of qemuc.yaml, one a row"},
        {"qemuc list --format json boards/*.yaml", "the same for some files, as JSON"}}},
      {"qmp-powerdown",
       {{"qemuc qmp-powerdown out/test-vm.qmp \"$(cat out/test-vm.pid)\"",
         "stop the VM whose profile has qmp: out/test-vm.qmp, waiting up to 60 s"},
        {"qemuc qmp-powerdown /run/vm/qmp.sock 4242 --timeout 300",
         "the VM with PID 4242: give a slow guest 5 minutes to shut down"}}},
      {"schema",
       {{"qemuc schema > profile.schema.json",
         "the JSON Schema, for an editor's YAML language server"},
        {"qemuc schema | python3 -c 'import json, sys; "
         "print(*json.load(sys.stdin)[\"properties\"])'",
         "the top-level keys a profile may have"}}},
      {"help", {{"qemuc help", "the commands"}, {"qemuc help compile", "the options of compile"}}},
  };
  static const std::vector<CommandExample> none;
  const auto found = examples.find(command);
  return found == examples.end() ? none : found->second;
}

}  // namespace qemuc
