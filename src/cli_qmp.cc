// qemuc qmp-powerdown: what a generated unit's ExecStop= runs (SPEC §6).
#include <iostream>

#include "cli_commands.h"
#include "qmp_powerdown.h"
#include "text.h"
#include "utf8.h"

namespace qemuc {

po::options_description PowerdownOptions() {
  po::options_description options("options");
  options.add_options()(
      "timeout", po::value<double>()->value_name("S")->default_value(60),
      "seconds the whole run may take, waiting for QEMU to end included (at most 86400)")(
      "help,h", "show this help");
  return options;
}

int RunQmpPowerdown(const CommandLine& line, Environment&, Console& console) {
  if (line.inputs.size() != 2)
    throw UsageError{"qmp-powerdown takes SOCKET and PID", "qmp-powerdown"};
  const std::optional<long> pid = ParsePowerdownPid(line.inputs[1]);
  if (!pid) {
    throw UsageError{"PID must be a process id from 1 to " + std::to_string(kMaxPid) + ", not " +
                         Quoted(line.inputs[1]),
                     "qmp-powerdown"};
  }
  const double timeout = line.values["timeout"].as<double>();
  if (!PowerdownTimeoutInRange(timeout)) {
    throw UsageError{
        "--timeout must be more than 0 and at most 86400 seconds, not " + FormatSeconds(timeout),
        "qmp-powerdown"};
  }
  const PowerdownResult result = QmpPowerdown(line.inputs[0], *pid, timeout);
  // The message may quote what the peer sent: escaped, as every diagnostic is.
  if (!result.message.empty()) {
    console.err << "qemuc: qmp-powerdown: " << EscapeForTerminal(result.message) << "\n";
  }
  return result.status;
}

}  // namespace qemuc
