// qemuc run (SPEC §8): compile one profile with host checks, then become QEMU; with
// qemu.success_status (SPEC §9), run QEMU and map its exit status instead.
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
// With SPEC §9's `success_status`, RunQemuMappingStatus starts QEMU instead.
int ReplaceWithQemu(const std::vector<std::string>& argv, const Host& host, Console& console) {
  // Whatever is still buffered would be lost with this process image.
  console.out.flush();
  console.err.flush();
  const std::string error = host.ReplaceProcess(argv);
  console.err << "qemuc: error: cannot run " << EscapeForTerminal(argv[0]) << ": "
              << EscapeForTerminal(error) << "\n";
  return kExitProblem;
}

// With qemu.success_status, qemuc must see QEMU's exit status, so QEMU runs as its child (with
// the same standard streams, and the signals that end a program passed on) and qemuc exits as the
// shell script would: 0 for that status, QEMU's own otherwise (128 + N after signal N).
int RunQemuMappingStatus(const std::vector<std::string>& argv, int success_status, const Host& host,
                         Console& console) {
  // QEMU writes to the same streams: what qemuc buffered comes first.
  console.out.flush();
  console.err.flush();
  const ProcessEnd end = host.RunProcess(argv);
  if (!end.error.empty()) {
    console.err << "qemuc: error: cannot run " << EscapeForTerminal(argv[0]) << ": "
                << EscapeForTerminal(end.error) << "\n";
    return kExitProblem;
  }
  return end.status == success_status ? kExitOk : end.status;
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
  if (const int success_status = invocation->config.success_status; success_status != 0)
    return RunQemuMappingStatus(invocation->argv, success_status, environment.host, console);
  return ReplaceWithQemu(invocation->argv, environment.host, console);
}

}  // namespace qemuc
