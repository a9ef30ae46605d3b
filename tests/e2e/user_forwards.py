#!/usr/bin/env python3
"""User-network forwards accept TCP on the host while the guest runs, on the addresses they say.

usage: user_forwards.py QEMUC X86_KERNEL

The profile (written by the test) has two forwards on free ports: guest 22 on every host address
(no host_address), and guest 80 with `host_address: 127.0.0.1`. The kernel holds (its command line
has qemuc-test.hold) so the guest keeps running. Then, connecting only to loopback addresses:
- the first forward accepts on 127.0.0.1, and on 127.0.0.2 (the control: that address is
  reachable, so a refusal there means something);
- the second accepts on 127.0.0.1 and refuses on 127.0.0.2;
- once QEMU is killed, the first refuses on 127.0.0.1: it was QEMU listening.
"""

import os
import socket
import tempfile

import fixtures
import harness
import test_kernels


def accepts_tcp(address, port):
    """Whether a TCP connection to address:port (a loopback address) is accepted."""
    assert address.startswith("127."), "tests connect only to loopback addresses"
    try:
        with socket.create_connection((address, port), timeout=3):
            return True
    except (ConnectionRefusedError, socket.timeout):
        return False


def qemu_lines(any_port, loopback_port):
    return ["  networks:",
            "    - id: net0",
            "      user:",
            "        forwards:",
            "          - { host: %d, guest: 22 }" % any_port,
            "          - { host: %d, guest: 80, host_address: 127.0.0.1 }" % loopback_port]


def test(args, report):
    qemuc, x86_kernel = args
    kernel = fixtures.Kernels(x86_kernel).require("x86_64")
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-forwards-") as directory:
        any_port = fixtures.free_port()
        loopback_port = fixtures.free_port(address="127.0.0.1")
        while loopback_port == any_port:  # both were free, but they must differ
            loopback_port = fixtures.free_port(address="127.0.0.1")
        profile = os.path.join(directory, "user-forwards.yaml")
        fixtures.write_profile(profile, kernel, qemu_lines(any_port, loopback_port),
                               cmdline=["console=ttyS0", test_kernels.X86_HOLD_WORD])
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script, profile])

        with harness.Processes(report) as processes:
            qemu = test_kernels.start_holding(processes, [script], os.path.join(directory, "qemu"))
            report.check(qemu.poll() is None, "the guest is running")
            for address, port, accepted, what in [
                    ("127.0.0.1", any_port, True, "the forward on every address"),
                    ("127.0.0.2", any_port, True, "the forward on every address"),
                    ("127.0.0.1", loopback_port, True, "the host_address 127.0.0.1 forward"),
                    ("127.0.0.2", loopback_port, False, "the host_address 127.0.0.1 forward")]:
                report.check(accepts_tcp(address, port) == accepted, "%s %s on %s:%d"
                             % (what, "accepts" if accepted else "refuses", address, port))
            harness.kill_session(qemu)
        report.check(not accepts_tcp("127.0.0.1", any_port),
                     "with QEMU gone, 127.0.0.1:%d refuses: QEMU was the listener" % any_port)


if __name__ == "__main__":
    harness.main(test)
