#!/usr/bin/env python3
"""Tap networking in a network namespace the test creates: QEMU attaches to the named tap.

usage: tap_netns.py QEMUC EXAMPLES_DIR X86_KERNEL

x64-dev with overlays/tap.yaml names the tap interface qemu0. The test creates a network
namespace of its own (netns.py: `unshare --net`) with qemu0 in it (`ip tuntap add`), and never
touches the machine's own interfaces. The launch script runs in that namespace with the kernel
holding, and qemu0's carrier tells who has it open: off before QEMU starts, on while the guest
runs, off again once QEMU is killed. Skipped, with the reason, where the machine does not allow
namespaces or taps.
"""

import os
import tempfile

import fixtures
import harness
import test_kernels
import netns
import qemu_argv


def test(args, report):
    qemuc, examples, x86_kernel = args
    kernels = fixtures.Kernels(x86_kernel)
    kernels.require("x86_64")
    arguments = [os.path.join(examples, "boards", "x64-dev.yaml"),
                 "-O", os.path.join(examples, "overlays", "tap.yaml")]
    planned = harness.compile_argv(qemuc, ["--no-host-checks"] + arguments)
    (tap,) = qemu_argv.tap_names(planned)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-tap-") as directory, \
            harness.Processes(report) as processes:
        arguments += fixtures.test_file_options(planned, kernels, directory)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script] + arguments + ["--", test_kernels.X86_HOLD_WORD])

        namespace = netns.NetworkNamespace(processes, [tap])

        def carrier():
            return "LOWER_UP" in namespace.link_flags(tap)

        report.check(not carrier(), "%s in the test's namespace has no carrier before QEMU starts" % tap)
        qemu = test_kernels.start_holding(processes, namespace.wrap([script]), os.path.join(directory, "qemu"))
        report.check(carrier(), "%s has a carrier while the guest runs: QEMU holds it" % tap,
                     "flags: %s" % sorted(namespace.link_flags(tap)))
        harness.kill_session(qemu)
        report.check(not carrier(), "%s has no carrier once QEMU is killed" % tap)


if __name__ == "__main__":
    harness.main(test)
