#!/usr/bin/env python3
"""Every golden case that compiles successfully gives an argv that QEMU accepts.

usage: golden_accepted.py [--kvm | --expect-rejection] QEMUC GOLDEN_DIR X86_KERNEL ARM_KERNEL RISCV_KERNEL

For each case under GOLDEN_DIR whose `cmd` is a `compile` with status 0 (tests/golden/README.md):
1. its command is run in the case directory with `-f json` in place of its format, and then again
   with `--set` options that point the kernel at the test kernel, the initrd and drives at new
   files (drive files keep their names), the serial log, QMP socket and shares into a temporary
   directory (fixtures.made_file_options), and move each forward to a host port that is free now
   (keeping its protocol and address): the golden profiles name files that are not on this
   machine, and ports that may be taken. Nothing else of the argv changes;
2. that argv, with argv[0] the installed QEMU of its target, plus `-S` and a QMP socket, is
   started: QEMU has parsed every option, built the machine and opened every file when QMP
   answers `query-status` with `prelaunch`. It is then killed. A case with tap networking runs
   in a network namespace of its own holding its taps (netns.py), never on the machine's.

Cases whose argv uses KVM are left to `--kvm`, which checks only those, where KVM works. A case
with a file `not-for-qemu` (its text says why: a unit's escaping of a binary that is no QEMU) is
reported as skipped.
With `--expect-rejection` every case must instead be refused: the same QMP probe must fail, and
the failure must hold the text of the case's file `qemu-rejects`, which QEMU prints
(tests/e2e/rejected/ shows the probe sees a refusal, early at the command line or late when a
device is created).
"""

import os
import tempfile

import fixtures
import harness
import netns
import qemu_argv

FORMAT_OPTIONS = ("-f", "--format", "-o", "--output")


def case_command(case):
    """The case's qemuc arguments, if it is a successful compile; else None."""
    with open(os.path.join(case, "cmd"), encoding="utf-8") as f:
        command = f.read().split("\n")
    if command and command[-1] == "":
        command.pop()  # the newline after the last argument is optional
    with open(os.path.join(case, "status"), encoding="utf-8") as f:
        status = f.read().strip()
    if status != "0" or not command or command[0] != "compile":
        return None
    options = command[1:command.index("--")] if "--" in command else command[1:]
    if "--help" in options or "-h" in options:
        return None
    return command[1:]


def without_format(arguments):
    """The arguments without their format and output options (`-f X`, `--format=X`, ...), which
    this test chooses. Nothing after `--` is touched: those are kernel arguments."""
    result, i = [], 0
    while i < len(arguments):
        argument = arguments[i]
        if argument == "--":
            return result + arguments[i:]
        if argument in FORMAT_OPTIONS:
            i += 2
            continue
        if not any(argument.startswith(option + "=") for option in FORMAT_OPTIONS if option.startswith("--")):
            result.append(argument)
        i += 1
    return result


def start_paused(qemuc, case, arguments, planned, kernels, directory, processes):
    """Compiles the case with its files redirected and starts QEMU on it with -S and a QMP socket
    (in a namespace of its own if it has taps). Returns (QEMU process, QMP socket path, log prefix)."""
    redirect = fixtures.test_file_options(planned, kernels, directory) + fixtures.free_port_options(planned)
    argv = harness.compile_argv(qemuc, harness.before_kernel_arguments(arguments, redirect), cwd=case)
    qmp_socket = os.path.join(directory, "qmp.sock")
    argv = [harness.qemu_program(harness.target_of(argv))] + argv[1:] + ["-S"] + harness.qmp_argv(qmp_socket)
    taps = qemu_argv.tap_names(argv)
    if taps:
        argv = netns.NetworkNamespace(processes, taps).wrap(argv)
    log = os.path.join(directory, "qemu")
    return processes.start_logged(argv, log), qmp_socket, log


def query_status(qemu, qmp_socket, log):
    """QEMU's answer to query-status; a Failure, with QEMU's stderr, if it exits first."""
    with harness.Qmp(qmp_socket, qemu, stderr_path=log + ".stderr") as qmp:
        return qmp.command("query-status")["status"]


def check_accepted(report, name, qemu, qmp_socket, log):
    status = query_status(qemu, qmp_socket, log)
    report.check(status == "prelaunch", "%s: QEMU accepts its argv (query-status: %s)" % (name, status))


def check_rejected(report, name, case, qemu, qmp_socket, log):
    with open(os.path.join(case, "qemu-rejects"), encoding="utf-8") as f:
        expected = f.read().strip()
    try:
        status = query_status(qemu, qmp_socket, log)
    except harness.Failure as failure:
        report.check(expected in str(failure), "%s: QEMU refuses its argv, saying %r" % (name, expected),
                     str(failure))
    else:
        report.fail("%s: QEMU refuses its argv" % name, "it answered query-status: %s" % status)


def test(args, report):
    mode = args[0] if args[0] in ("--kvm", "--expect-rejection") else ""
    qemuc, golden, *kernel_paths = args[1:] if mode else args
    kernels = fixtures.Kernels(*kernel_paths)
    found, checked, reasons = 0, 0, set()
    for name in sorted(os.listdir(golden)):
        case = os.path.join(golden, name)
        arguments = case_command(case) if os.path.isfile(os.path.join(case, "cmd")) else None
        if arguments is None:
            continue
        arguments = without_format(arguments)
        not_for_qemu = os.path.join(case, "not-for-qemu")
        if os.path.isfile(not_for_qemu):
            with open(not_for_qemu, encoding="utf-8") as f:
                report.skip_part(name, f.read().strip())
            continue
        with report.section(name), tempfile.TemporaryDirectory(prefix="qemuc-e2e-golden-") as directory, \
                harness.Processes(report) as processes:
            planned = harness.compile_argv(qemuc, arguments, cwd=case)
            if qemu_argv.uses_kvm(planned) != (mode == "--kvm"):
                continue  # the other mode's case
            found += 1
            target = harness.target_of(planned)
            # No QEMU or kernel for its target, or no KVM; else perhaps no namespace for its taps.
            problem = kernels.problem(target) or (harness.kvm_problem(target) if mode == "--kvm" else None)
            if not problem:
                try:
                    qemu, qmp_socket, log = start_paused(qemuc, case, arguments, planned, kernels, directory,
                                                         processes)
                except harness.Skip as reason:
                    problem = str(reason)
            if problem:
                report.skip_part(name, problem)
                reasons.add(problem)
                continue
            if mode == "--expect-rejection":
                check_rejected(report, name, case, qemu, qmp_socket, log)
            else:
                check_accepted(report, name, qemu, qmp_socket, log)
            checked += 1
    if found == 0:  # every mode has cases in the tree it is given: none means the test is broken
        report.fail("found no case to check in " + golden)
    elif checked == 0 and not report.failed:
        harness.skip("no case could be checked: " + "; ".join(sorted(reasons)))


if __name__ == "__main__":
    harness.main(test)
