#!/usr/bin/env python3
"""Tap networking in a network namespace the test creates: QEMU attaches to the named tap.

usage: tap_netns.py QEMUC EXAMPLES_DIR X86_KERNEL

x64-dev with overlays/tap.yaml names the tap interface qemu0. The test creates a network
namespace of its own (`ip netns add`) with qemu0 in it (`ip tuntap add`), and never touches the
machine's own interfaces. The launch script runs in that namespace with the kernel holding, and
qemu0's carrier tells who has it open: off before QEMU starts, on while the guest runs, off again
once QEMU is killed. Skipped, with the reason, where the machine does not allow namespaces or taps.
"""

import os
import tempfile

import harness


def test(args, report):
    qemuc, examples, x86_kernel = args
    kernels = harness.Kernels(x86_kernel, "")
    harness.qemu_program("x86_64")
    options = [os.path.join(examples, "boards", "x64-dev.yaml"),
               "-O", os.path.join(examples, "overlays", "tap.yaml")]
    planned = harness.compile_argv(qemuc, ["--no-host-checks"] + options)
    tap = harness.suboption(harness.split_keyval(harness.options_of(planned, "-netdev")[0]), "ifname")
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-tap-") as directory:
        options += harness.redirect_to_test_files(planned, kernels, directory)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script] + options + ["--", harness.X86_HOLD_WORD])

        with harness.network_namespace([tap]) as namespace:
            def carrier():
                return "LOWER_UP" in harness.link_flags(namespace, tap)

            report.check(not carrier(), "%s in namespace %s has no carrier before QEMU starts" % (tap, namespace))
            with harness.Processes(report) as processes:
                log = os.path.join(directory, "qemu")
                qemu = processes.start_logged(harness.in_namespace(namespace, [script]), log)
                harness.wait_for_output(log + ".stdout", qemu, harness.X86_HOLDING)
                report.check(carrier(), "%s has a carrier while the guest runs: QEMU holds it" % tap,
                             "flags: %s" % sorted(harness.link_flags(namespace, tap)))
                harness.kill_session(qemu)
            report.check(not carrier(), "%s has no carrier once QEMU is killed" % tap)


if __name__ == "__main__":
    harness.main(test)
