// qemuc run (SPEC §8): compile one profile with host checks, then become QEMU.
#include <iostream>

#include "cli_commands.h"
#include "output_format.h"
#include "utf8.h"

namespace qemuc {
namespace {

// --dry-run: the argv exactly as `compile --format args` prints it, newline rule included.
int PrintArgs(const Invocation& invocation, const std::string& profile, Console& console) {
  const Emitted emitted = EmitArgs(invocation);
  if (!emitted.error.empty()) {
    console.err << "qemuc: error: " << EscapeForTerminal(profile) << ": "
                << EscapeForTerminal(emitted.error) << "\n";
    return kExitProblem;
  }
  console.out << emitted.text;
  return kExitOk;
}

// The one place where QEMU starts. The exec hands QEMU this process as it is: its standard
// streams, environment, signal mask and any descriptors its parent passed on (as a shell's
// `exec` would). Nothing of qemuc's own is left open: files are read with O_CLOEXEC and closed
// after reading, and `run` writes none. main()'s signal handlers (RemoveTemporaryFileOnSignals)
// fall back to the default action across the exec, and a signal qemuc was started ignoring
// (nohup) stays ignored for QEMU, as it would have been had QEMU been started directly.
// SPEC §9's `success_status` (issue 13) maps QEMU's exit status here; that needs fork and wait
// in place of the exec.
int ReplaceWithQemu(const std::vector<std::string>& argv, const Host& host, Console& console) {
  // Whatever is still buffered would be lost with this process image.
  console.out.flush();
  console.err.flush();
  const std::string error = host.ReplaceProcess(argv);
  console.err << "qemuc: error: cannot run " << EscapeForTerminal(argv[0]) << ": "
              << EscapeForTerminal(error) << "\n";
  return kExitProblem;
}

}  // namespace

po::options_description RunOptions() {
  po::options_description options("options");
  options.add_options()("dry-run",
                        "print the argv, one argument a line as --format args does, and run "
                        "nothing (the host checks still apply)");
  AddLayerOptions(options, true);
  options.add_options()("help,h", "show this help");
  return options;
}

int RunRun(const CommandLine& line, Environment& environment, Console& console) {
  if (line.inputs.size() != 1) throw UsageError{"run takes exactly one PROFILE", "run"};
  CompileRequest request;
  request.profile = ReadProfileRequest(line, line.inputs[0], "run");
  request.kernel_args = line.after_dashes;
  request.host_checks = true;  // QEMU really starts: its binary and files must be there
  Diagnostics diagnostics;
  const std::optional<Invocation> invocation = CompileProfile(request, environment, diagnostics);
  PrintDiagnostics(diagnostics, line, console);
  if (!invocation) return kExitProblem;
  if (line.values.count("dry-run")) return PrintArgs(*invocation, request.profile.profile, console);
  return ReplaceWithQemu(invocation->argv, environment.host, console);
}

}  // namespace qemuc
