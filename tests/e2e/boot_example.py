#!/usr/bin/env python3
"""One example board, with a variant's options, boots the test kernel in a real QEMU.

usage: boot_example.py QEMUC EXAMPLES_DIR X86_KERNEL ARM_KERNEL RISCV_KERNEL BOARD [QEMUC_OPTION...]

BOARD and overlay files (`-O overlays/x.yaml`) are relative to EXAMPLES_DIR, where qemuc runs, as
in tests/examples/meson.build's example_variants, which meson hands to this test one by one.

1. `qemuc compile -f json` gives the argv; `--set` options then point its kernel at the test kernel
   of the target, its initrd and drives at new files, and its forwards at free ports.
2. The launch script (`-o launch.sh`) is run as it is: the kernel's lines appear on stdout, the
   exit status is the one the kernel asks for (0 when it is the profile's success_status), and
   the guest's command line is the profile's `cmdline`, as `qemuc resolve` merges it, joined by
   spaces. With serial_log (moved into the test's directory), the log holds the console's output.
3. The JSON argv, executed directly, does the same, with QEMU's own exit status.

A variant with KVM runs only where KVM works for its target; one with tap networking runs in a
network namespace the test creates, holding the tap interfaces the profile names. Otherwise the
test is skipped, with the reason.
"""

import json
import os
import tempfile

import fixtures
import harness
import test_kernels
import netns
import qemu_argv


def test(args, report):
    qemuc, examples, x86_kernel, arm_kernel, riscv_kernel, board = args[:6]
    kernels = fixtures.Kernels(x86_kernel, arm_kernel, riscv_kernel)
    arguments = [board] + args[6:]

    planned = harness.compile_argv(qemuc, ["--no-host-checks"] + arguments, cwd=examples)
    target = harness.target_of(planned)
    kernels.require(target)
    if qemu_argv.uses_kvm(planned):
        problem = harness.kvm_problem(target)
        if problem:
            harness.skip(problem)

    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-example-") as directory, \
            harness.Processes(report) as processes:
        arguments = harness.before_kernel_arguments(
            arguments, fixtures.test_file_options(planned, kernels, directory) + fixtures.free_port_options(planned)
            + fixtures.made_file_options(planned, directory))
        argv = harness.compile_argv(qemuc, arguments, cwd=examples)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script] + arguments, cwd=examples)
        merged = harness.resolve(qemuc, arguments, cwd=examples)
        merged_cmdline = merged.get("cmdline", [])
        # The script maps the guest's verdict (qemu.success_status); the argv run directly does not.
        success_status = merged["qemu"].get("success_status")
        expected = test_kernels.expected_cmdline(target, fixtures.kernel_copy(directory, target), merged_cmdline)

        taps = qemu_argv.tap_names(argv)
        namespace = netns.NetworkNamespace(processes, taps) if taps else None
        where = " in a network namespace with tap %s" % ", ".join(taps) if taps else ""
        wrap = namespace.wrap if namespace else list
        status, stdout, stderr = processes.run(wrap([script]))
        test_kernels.check_boot(report, "launch script" + where, target, status, stdout, stderr, expected,
                                success_status)
        check_serial_log(report, "launch script", argv, stdout)
        status, stdout, stderr = processes.run(wrap(argv))
        test_kernels.check_boot(report, "JSON argv executed" + where, target, status, stdout, stderr, expected)
        check_serial_log(report, "JSON argv executed", argv, stdout)
        print("argv: " + json.dumps(argv))


def check_serial_log(report, what, argv, stdout):
    """With qemu.serial_log, the log holds what the console printed on stdout (QEMU starts it
    afresh for each run)."""
    log = qemu_argv.serial_log_of(argv)
    if log is None:
        return
    with open(log, "rb") as f:
        logged = f.read()
    report.check(logged and logged in stdout, "%s: the serial log holds the console's output" % what,
                 "log: %r\nstdout: %r" % (logged[-1500:], stdout[-1500:]))


if __name__ == "__main__":
    harness.main(test)
