#!/usr/bin/env python3
"""`qemu.success_status` under real QEMU, on every target whose kernel boots here (SPEC §9).

usage: success_status.py QEMUC X86_KERNEL ARM_KERNEL [KERNEL...]

Each test kernel can end QEMU with a status other than 0 (EXITS): x86_64's through isa-debug-exit
(85); aarch64's through semihosting SYS_EXIT (85), with `qemuc-test.exit` on its command line and
semihosting on in extra_args; another target's (riscv64) with the status of
test_kernels.KERNEL_LINES. With success_status set to that status:
  - the launch script boots the kernel (its lines) and exits 0, under dash and under bash;
  - `qemuc run` boots it and exits 0;
  - the JSON has "success_status" and the same argv as without it, and that argv run directly
    exits with the kernel's status: the mapping is the outputs', not QEMU's;
  - the systemd unit says SuccessExitStatus=STATUS, and `systemd-analyze verify` reads it without a
    word on stderr, where the same unit with 256 in its place draws "Failed to parse value".
With success_status one off the kernel's, the script and `qemuc run` exit with the kernel's status.
Held (-S, and a QMP socket that answers before the signal: through the script's "$@", or through
extra_args for `qemuc run`), SIGTERM to the script (dash, bash) or to qemuc ends QEMU, which says
that the signal came from that process; it exits with QEMU's status (0: QEMU ends cleanly on
SIGTERM), and no process of its session is left. SIGINT and SIGHUP to the script do the same.
"""

import collections
import json
import os
import shutil
import signal
import subprocess
import tempfile

import fixtures
import harness
import test_kernels

CMDLINE = ["console=ttyS0"]
SHELLS = ["dash", "bash"]

# How a test kernel ends QEMU with a status other than 0: the words it needs on its command line,
# the QEMU options it needs (extra_args), the status, and the line it prints last.
Exit = collections.namedtuple("Exit", "words extra_args status last_line")
EXITS = {
    "x86_64": Exit([], [], test_kernels.X86_EXIT_STATUS, test_kernels.X86_EXIT),
    "aarch64": Exit([test_kernels.ARM_EXIT_WORD], test_kernels.ARM_SEMIHOSTING_ARGS,
                    test_kernels.ARM_SEMIHOSTING_EXIT_STATUS, test_kernels.ARM_EXIT),
}


def exit_of(target):
    """The Exit of `target`'s kernel: EXITS, or else a kernel that always ends with a status other
    than 0 (KERNEL_LINES); None if there is none."""
    if target in EXITS:
        return EXITS[target]
    _, last, status = test_kernels.KERNEL_LINES.get(target, (None, None, 0))
    return Exit([], [], status, last) if status != 0 else None


def write_profile(directory, name, target, kernel, kernel_exit, success_status, extra_args=()):
    path = os.path.join(directory, name + ".yaml")
    extra = list(kernel_exit.extra_args) + list(extra_args)
    lines = ["  success_status: %d" % success_status,
             "  extra_args: " + json.dumps(extra, ensure_ascii=False)]
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=CMDLINE + kernel_exit.words,
                           target=target)
    return path


def check_ran(report, what, target, kernel_exit, result, want_status):
    status, stdout, stderr = result
    first = test_kernels.KERNEL_LINES[target][0]
    ok = status == want_status and first in stdout and kernel_exit.last_line in stdout
    report.check(ok, "%s: the kernel ran to its end, exit status %d" % (what, want_status),
                 "status %d\nstdout: %r\nstderr: %s"
                 % (status, stdout[-1500:], stderr[-1500:].decode(errors="replace")))


def check_unit(report, target, unit_text, status, directory):
    line = "SuccessExitStatus=%d" % status
    report.check(unit_text.splitlines().count(line) == 1, "%s: the unit says %s" % (target, line),
                 unit_text)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        report.skip_part("%s: systemd-analyze verify" % target,
                         "systemd-analyze is not installed (scripts/setup --test installs systemd)")
        return
    units = os.path.join(directory, "units-" + target)
    os.mkdir(units)
    for name, text in (("qemuc-ci.service", unit_text),
                       ("qemuc-bad.service", unit_text.replace(line, "SuccessExitStatus=256"))):
        with open(os.path.join(units, name), "w", encoding="utf-8") as f:
            f.write(text)
    verify = [subprocess.run([analyze, "verify", os.path.join(units, name)], capture_output=True)
              for name in ("qemuc-ci.service", "qemuc-bad.service")]
    report.check(verify[0].returncode == 0 and verify[0].stderr == b"",
                 "%s: systemd-analyze verify reads the unit without a warning" % target,
                 "status %d, stderr: %s" % (verify[0].returncode, verify[0].stderr.decode(errors="replace")))
    report.check(b"Failed to parse value, ignoring: 256" in verify[1].stderr,
                 "%s: ... where SuccessExitStatus=256 draws a warning: verify parses it" % target,
                 "stderr: %s" % verify[1].stderr.decode(errors="replace"))


def check_mapped(report, qemuc, target, kernel, kernel_exit, directory, processes):
    """Each output with success_status = the kernel's status, and one off it."""
    status = kernel_exit.status
    profile = write_profile(directory, "ci-" + target, target, kernel, kernel_exit, status)
    other = status - 1 if status == 255 else status + 1
    other_profile = write_profile(directory, "other-" + target, target, kernel, kernel_exit, other)
    script = os.path.join(directory, "ci-%s.sh" % target)
    other_script = os.path.join(directory, "other-%s.sh" % target)
    harness.run_qemuc(qemuc, ["compile", "-f", "shell", "-o", script, profile])
    harness.run_qemuc(qemuc, ["compile", "-f", "shell", "-o", other_script, other_profile])
    for shell in SHELLS:
        check_ran(report, "%s, success_status %d: the script under %s" % (target, status, shell),
                  target, kernel_exit, processes.run([shell, script]), 0)
    check_ran(report, "%s, success_status %d: qemuc run" % (target, status), target, kernel_exit,
              processes.run([qemuc, "run", profile]), 0)
    document = json.loads(harness.run_qemuc(qemuc, ["compile", "-f", "json", profile]))
    other_document = json.loads(harness.run_qemuc(qemuc, ["compile", "-f", "json", other_profile]))
    report.check(document.get("success_status") == status and
                 other_document.get("success_status") == other,
                 "%s: the JSON has \"success_status\": %d" % (target, status), repr(document))
    report.check(document["argv"] == other_document["argv"],
                 "%s: success_status changes nothing in the argv" % target,
                 "%r\n%r" % (document["argv"], other_document["argv"]))
    check_ran(report, "%s: the JSON argv run directly" % target, target, kernel_exit,
              processes.run(document["argv"]), status)
    check_unit(report, target, harness.run_qemuc(qemuc, ["compile", "-f", "systemd", profile]).decode(),
               status, directory)
    check_ran(report, "%s, success_status %d: the script under dash" % (target, other), target,
              kernel_exit, processes.run(["dash", other_script]), status)
    check_ran(report, "%s, success_status %d: qemuc run" % (target, other), target, kernel_exit,
              processes.run([qemuc, "run", other_profile]), status)


def check_signal(report, what, argv, socket_path, log_prefix, signal_number, processes):
    """Starts argv, whose QEMU is held with a QMP socket at socket_path; once QEMU answers,
    sends the signal to the process started (the shell or qemuc): QEMU must end, saying that the
    signal came from that process, the process must exit with QEMU's status (0), and nothing of
    its session may be left."""
    name = signal.Signals(signal_number).name
    process = processes.start_logged(argv, log_prefix)
    with harness.Qmp(socket_path, process, stderr_path=log_prefix + ".stderr") as qmp:
        state = qmp.command("query-status")["status"]
    os.kill(process.pid, signal_number)
    try:
        status = process.wait(5)
    except subprocess.TimeoutExpired:
        status = None
    with open(log_prefix + ".stderr", "rb") as f:
        stderr = f.read()
    said = b"terminating on signal %d from pid %d" % (signal_number, process.pid)
    report.check(state == "prelaunch" and status == 0 and said in stderr,
                 "%s: %s ends the held QEMU, which says it came from there; status 0" % (what, name),
                 "QEMU was %s, status %r, stderr: %s" % (state, status, stderr.decode(errors="replace")))
    left = harness.session_members(process) if status is not None else []
    report.check(not left, "%s: %s leaves no process behind" % (what, name), harness.describe(left))


def check_signals(report, qemuc, target, kernel, kernel_exit, directory, processes):
    script = os.path.join(directory, "ci-%s.sh" % target)  # written by check_mapped
    for shell, signal_number in [("dash", signal.SIGTERM), ("bash", signal.SIGTERM),
                                 ("dash", signal.SIGINT), ("bash", signal.SIGHUP)]:
        socket_path = os.path.join(directory, "qmp-%s-%s-%d" % (target, shell, signal_number))
        check_signal(report, "%s: the script under %s" % (target, shell),
                     [shell, script, "-S"] + harness.qmp_argv(socket_path), socket_path,
                     socket_path + "-log", signal_number, processes)
    socket_path = os.path.join(directory, "qmp-%s-run" % target)
    held = write_profile(directory, "held-" + target, target, kernel, kernel_exit,
                         kernel_exit.status, ["-S"] + harness.qmp_argv(socket_path))
    check_signal(report, "%s: qemuc run" % target, [qemuc, "run", held], socket_path,
                 socket_path + "-log", signal.SIGTERM, processes)


def test(args, report):
    qemuc = os.path.abspath(args[0])
    for shell in SHELLS:
        if shutil.which(shell) is None:
            harness.skip("%s is not installed (scripts/setup --test installs it)" % shell)
    kernels = fixtures.Kernels(*args[1:])
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-success-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in kernels.bootable(report):
            kernel_exit = exit_of(target)
            if kernel_exit is None:
                report.skip_part(target, "this test knows no way for its kernel to end QEMU with "
                                 "a status other than 0 (EXITS)")
                continue
            with report.section("%s: success_status" % target):
                check_mapped(report, qemuc, target, kernel, kernel_exit, directory, processes)
                check_signals(report, qemuc, target, kernel, kernel_exit, directory, processes)


if __name__ == "__main__":
    harness.main(test)
