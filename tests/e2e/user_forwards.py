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
import tempfile

import harness


def write_profile(path, kernel, any_port, loopback_port):
    text = """# Written by tests/e2e/user_forwards.py.
name: user-forwards
qemu:
  target: x86_64
  memory: 256
  kernel: %s
  networks:
    - id: net0
      user:
        forwards:
          - { host: %d, guest: 22 }
          - { host: %d, guest: 80, host_address: 127.0.0.1 }
cmdline: [console=ttyS0, %s]
""" % (harness.yaml_string(kernel), any_port, loopback_port, harness.X86_HOLD_WORD)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def test(args, report):
    qemuc, x86_kernel = args
    kernel = harness.Kernels(x86_kernel, "").path("x86_64")
    harness.qemu_program("x86_64")
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-forwards-") as directory:
        any_port, loopback_port = harness.free_loopback_port(), harness.free_loopback_port()
        profile = os.path.join(directory, "user-forwards.yaml")
        write_profile(profile, kernel, any_port, loopback_port)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script, profile])

        with harness.Processes(report) as processes:
            log = os.path.join(directory, "qemu")
            qemu = processes.start_logged([script], log)
            harness.wait_for_output(log + ".stdout", qemu, harness.X86_HOLDING)
            report.check(qemu.poll() is None, "the guest is running")
            for address, port, accepted, what in [
                    ("127.0.0.1", any_port, True, "the forward on every address"),
                    ("127.0.0.2", any_port, True, "the forward on every address"),
                    ("127.0.0.1", loopback_port, True, "the host_address 127.0.0.1 forward"),
                    ("127.0.0.2", loopback_port, False, "the host_address 127.0.0.1 forward")]:
                report.check(harness.accepts_tcp(address, port) == accepted, "%s %s on %s:%d"
                             % (what, "accepts" if accepted else "refuses", address, port))
            harness.kill_session(qemu)
        report.check(not harness.accepts_tcp("127.0.0.1", any_port),
                     "with QEMU gone, 127.0.0.1:%d refuses: QEMU was the listener" % any_port)


if __name__ == "__main__":
    harness.main(test)
