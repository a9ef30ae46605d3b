#!/usr/bin/env python3
"""One example board, with a variant's options, boots the test kernel in a real QEMU.

usage: boot_example.py QEMUC EXAMPLES_DIR X86_KERNEL ARM_KERNEL BOARD [QEMUC_OPTION...]

BOARD and overlay files (`-O overlays/x.yaml`) are relative to EXAMPLES_DIR, as in
tests/examples/meson.build's example_variants, which meson hands to this test one by one.

1. `qemuc compile -f json` gives the argv; `--set` options then point its kernel at the test kernel
   of the target, its initrd and drives at new files, and its forwards at free loopback ports.
2. The launch script (`-o launch.sh`) is run as it is: the kernel's lines appear on stdout, the
   exit status is the one the kernel asks for, and (x86_64) the guest got the -append text.
3. The JSON argv, executed directly, does the same.

A variant with KVM runs only where KVM works for its target; one with tap networking runs in a
network namespace the test creates, holding the tap interfaces the profile names. Otherwise the
test is skipped, with the reason.
"""

import contextlib
import json
import os
import tempfile

import harness


def absolute_overlays(options, examples):
    """-O values with a `/` are overlay files relative to EXAMPLES_DIR: make them absolute."""
    result = []
    for i, option in enumerate(options):
        if i and options[i - 1] in ("-O", "--overlay") and "/" in option and not os.path.isabs(option):
            option = os.path.join(examples, option)
        result.append(option)
    return result


def tap_names(argv):
    names = []
    for value in harness.options_of(argv, "-netdev"):
        parts = harness.split_keyval(value)
        if parts[0] == "tap":
            names.append(harness.suboption(parts, "ifname"))
    return names


def test(args, report):
    qemuc, examples, x86_kernel, arm_kernel, board = args[:5]
    kernels = harness.Kernels(x86_kernel, arm_kernel)
    options = absolute_overlays(args[5:], examples)
    profile = os.path.join(examples, board)

    planned = harness.compile_argv(qemuc, ["--no-host-checks", profile] + options)
    target = harness.target_of(planned)
    harness.qemu_program(target)
    if harness.uses_kvm(planned):
        problem = harness.kvm_problem(target, report)
        if problem:
            harness.skip(problem)

    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-example-") as directory:
        options += harness.redirect_to_test_files(planned, kernels, directory)
        argv = harness.compile_argv(qemuc, [profile] + options)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script, profile] + options)
        expected_cmdline = harness.multiboot_cmdline(argv) if target == "x86_64" else None

        taps = tap_names(argv)
        with harness.network_namespace(taps) if taps else contextlib.nullcontext() as namespace:
            where = " in network namespace %s" % namespace if namespace else ""
            with harness.Processes(report) as processes:
                status, stdout, stderr = processes.run(harness.in_namespace(namespace, [script]))
                harness.check_boot(report, "launch script" + where, target, status, stdout, stderr,
                                   expected_cmdline)
                status, stdout, stderr = processes.run(harness.in_namespace(namespace, argv))
                harness.check_boot(report, "JSON argv executed" + where, target, status, stdout,
                                   stderr, expected_cmdline)
        print("argv: " + json.dumps(argv))


if __name__ == "__main__":
    harness.main(test)
