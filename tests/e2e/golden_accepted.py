#!/usr/bin/env python3
"""Every golden case that compiles successfully gives an argv that QEMU accepts.

usage: golden_accepted.py [--kvm] QEMUC GOLDEN_DIR X86_KERNEL ARM_KERNEL

For each case under GOLDEN_DIR whose `cmd` is a `compile` with status 0 (tests/golden/README.md):
1. its command is run in the case directory with `-f json` in place of its format, and then again
   with `--set` options that point the kernel at the test kernel, the initrd and drives at new
   files (drive files keep their names) and the forwards at free loopback ports: the golden
   profiles name files that are not on this machine, and ports that may be taken;
2. that argv, with argv[0] the installed QEMU of its target, plus `-S` and a QMP socket, is
   started: QEMU has parsed every option, built the machine and opened every file when QMP
   answers `query-status` with `prelaunch`. It is then killed.

Cases whose argv uses KVM are left to `--kvm`, which checks only those, where KVM works.
"""

import os
import tempfile

import harness

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


def before_kernel_arguments(arguments, options):
    """`options` inserted before a `--`, if there is one."""
    if "--" in arguments:
        at = arguments.index("--")
        return arguments[:at] + options + arguments[at:]
    return arguments + options


def check_case(qemuc, name, case, arguments, planned, kernels, report):
    """Starts the case's argv under -S; the check passes when QMP says `prelaunch`."""
    target = harness.target_of(planned)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-golden-") as directory:
        redirect = harness.redirect_to_test_files(planned, kernels, directory)
        argv = harness.compile_argv(qemuc, before_kernel_arguments(arguments, redirect), cwd=case)
        qmp_socket = os.path.join(directory, "qmp.sock")
        argv = [harness.qemu_program(target)] + argv[1:] + ["-S"] + harness.qmp_argv(qmp_socket)
        with harness.Processes(report) as processes:
            log = os.path.join(directory, "qemu")
            qemu = processes.start_logged(argv, log)
            with harness.Qmp(qmp_socket, qemu, stderr_path=log + ".stderr") as qmp:
                status = qmp.command("query-status")["status"]
        report.check(status == "prelaunch", "%s: QEMU accepts its argv (query-status: %s)" % (name, status))


def test(args, report):
    kvm_mode = args[0] == "--kvm"
    if kvm_mode:
        args = args[1:]
    qemuc, golden, x86_kernel, arm_kernel = args
    kernels = harness.Kernels(x86_kernel, arm_kernel)
    checked, reasons = 0, set()
    for name in sorted(os.listdir(golden)):
        case = os.path.join(golden, name)
        if not os.path.isfile(os.path.join(case, "cmd")):
            continue
        arguments = case_command(case)
        if arguments is None:
            continue
        arguments = without_format(arguments)
        with report.section(name):
            planned = harness.compile_argv(qemuc, arguments, cwd=case)
            target = harness.target_of(planned)
            if harness.uses_kvm(planned) != kvm_mode:
                continue  # the other mode's case
            try:
                harness.qemu_program(target)
                kernels.path(target)
                if kvm_mode:
                    problem = harness.kvm_problem(target, report)
                    if problem:
                        harness.skip(problem)
            except harness.Skip as reason:
                report.skip_part(name, str(reason))
                reasons.add(str(reason))
                continue
            check_case(qemuc, name, case, arguments, planned, kernels, report)
            checked += 1
    if checked == 0 and not report.failed:
        harness.skip("no case could be checked: " + "; ".join(sorted(reasons)) if reasons else
                     "no golden case compiles successfully" + (" with KVM" if kvm_mode else ""))


if __name__ == "__main__":
    harness.main(test)
