#!/usr/bin/env python3
"""`qemuc run` boots the test kernels: qemuc becomes QEMU, and its exit status is QEMU's.

usage: run_command.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

For each target, a profile written by the test boots its kernel through `qemuc run PROFILE --
ARGS`, with kernel arguments after `--` that hold spaces and quotes: the kernel's lines, its
command line byte for byte, and the exit status (85 from x86_64's isa-debug-exit, 0 from
aarch64's PSCI SYSTEM_OFF, 42 from riscv64's virt test device) must be what they are when QEMU runs the compiled argv itself.
`run --dry-run` prints what `compile --format args` prints.

Then the x86_64 and riscv64 kernels are started holding (qemuc-test.hold): while each runs, the process the test
started as qemuc is QEMU itself (/proc/PID/exe, with the compiled argv as its command line), the
test is still its parent (no qemuc in between, no shell), and it holds none of the profile files
that qemuc read open.
"""

import os
import signal
import subprocess
import tempfile

import fixtures
import harness
import test_kernels

CMDLINE = ["console=ttyS0", 'say="hello world"']
# After `--`: one argument each, as given. "--dry-run" there is a kernel argument, not an option.
KERNEL_ARGUMENTS = ["it's \"quoted\" here", "two  spaces", "--dry-run"]


def write_profiles(directory, target, kernel):
    """A parent with the target and kernel, and a board extending it: qemuc reads both."""
    parent = os.path.join(directory, "base-%s.yaml" % target)
    fixtures.write_profile(parent, kernel, cmdline=CMDLINE, target=target)
    with open(parent, "a", encoding="utf-8") as f:
        f.write("abstract: true\n")
    board = os.path.join(directory, "board %s.yaml" % target)
    with open(board, "w", encoding="utf-8") as f:
        f.write("# Written by tests/e2e/run_command.py.\nextends: %s\nname: board-%s\n"
                % (fixtures.yaml_string(os.path.basename(parent)), target))
    return parent, board


def check_boots(report, qemuc, target, kernel, directory, processes):
    _, board = write_profiles(directory, target, kernel)
    arguments = [board, "--"] + KERNEL_ARGUMENTS
    compiled = harness.run_qemuc(qemuc, ["compile", "-f", "args"] + arguments)
    dry = harness.run_qemuc(qemuc, ["run", "--dry-run"] + arguments)
    report.check(dry == compiled, "%s: run --dry-run prints what compile -f args prints" % target,
                 "run --dry-run:\n%s\ncompile -f args:\n%s" % (dry.decode(errors="replace"),
                                                               compiled.decode(errors="replace")))
    status, stdout, stderr = processes.run([qemuc, "run"] + arguments, cwd=directory)
    expected = test_kernels.expected_cmdline(target, kernel, CMDLINE + KERNEL_ARGUMENTS)
    test_kernels.check_boot(report, "%s, qemuc run" % target, target, status, stdout, stderr,
                            expected)


def check_becomes_qemu(report, qemuc, target, kernel, directory, processes):
    parent, board = write_profiles(directory, target, kernel)
    arguments = [board, "--", test_kernels.X86_HOLD_WORD]
    argv = harness.compile_argv(qemuc, arguments)
    log = os.path.join(directory, "held-" + target)
    # Processes.start puts `setpriv --pdeathsig KILL` first, which execs qemuc in its own process.
    process = test_kernels.start_holding(processes, [qemuc, "run"] + arguments, log)
    pid = process.pid
    exe = os.readlink("/proc/%d/exe" % pid)
    qemu = os.path.realpath(harness.qemu_program(target))
    report.check(exe == qemu, "%s: the process started as qemuc run is QEMU (/proc/PID/exe)" % target,
                 "want %s\ngot  %s" % (qemu, exe))
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        cmdline = f.read().split(b"\0")[:-1]
    report.check(cmdline == [arg.encode() for arg in argv],
                 "%s: its command line is the compiled argv, the absolute binary first" % target,
                 "want %r\ngot  %r" % (argv, cmdline))
    status = harness.process_status(pid)
    session = sorted(member for member, member_status in harness.live_processes().items()
                     if member_status[3] == pid)
    report.check(status is not None and status[2] == os.getpid() and session == [pid],
                 "%s: its parent is the test, alone in its session: no qemuc or shell around it" % target,
                 "status: %r\nsession: %s" % (status, harness.describe(session)))
    descriptors = "/proc/%d/fd" % pid
    open_files = [os.readlink(os.path.join(descriptors, fd)) for fd in os.listdir(descriptors)]
    report.check(not {parent, board} & set(open_files), "%s: it holds no profile file open" % target,
                 "open: %r" % open_files)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        raise harness.Failure("QEMU did not end on SIGTERM")


def test(args, report):
    qemuc = os.path.abspath(args[0])
    kernels = fixtures.Kernels(*args[1:])
    bootable = kernels.bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-run-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            with report.section("%s: qemuc run" % target):
                check_boots(report, qemuc, target, kernel, directory, processes)
        # The kernels that can hold (test_kernels.X86_HOLD_WORD).
        for target, kernel in bootable:
            if target in ("x86_64", "riscv64"):
                with report.section("%s: qemuc run becomes QEMU" % target):
                    check_becomes_qemu(report, qemuc, target, kernel, directory, processes)


if __name__ == "__main__":
    harness.main(test)
