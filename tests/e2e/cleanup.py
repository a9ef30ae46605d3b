#!/usr/bin/env python3
"""A test that is stopped leaves no QEMU behind.

usage: cleanup.py QEMUC X86_KERNEL

Runs user_forwards.py, whose guest holds until QEMU is killed, and stops it while its QEMU runs:
- with SIGTERM, as meson does when a test overruns its timeout: the test kills its QEMU;
- with SIGKILL, which no test can catch: QEMU's parent-death signal (harness.Processes) kills it.
Either way the QEMU process must be gone within 2 s.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import harness


def children(pid):
    """The processes whose parent is pid, as {pid: command name}."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    name, rest = f.read().split(" (", 1)[1].rsplit(") ", 1)
            except OSError:
                continue
            if int(rest.split()[1]) == pid:
                found[int(entry)] = name
    return found


def running_qemu(test, timeout=20):
    """The QEMU the test started, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, name in children(test.pid).items():
            if name.startswith("qemu-system"):
                return pid
        if test.poll() is not None:
            raise harness.Failure("user_forwards.py ended (status %d) before its QEMU was seen" % test.returncode)
        time.sleep(0.02)
    raise harness.Failure("no QEMU under user_forwards.py after %d s" % timeout)


def gone(pid, patience=2.0):
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(") ", 1)[1].startswith("Z"):
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


def test(args, report):
    qemuc, x86_kernel = args
    harness.Kernels(x86_kernel, "").path("x86_64")
    harness.qemu_program("x86_64")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "user_forwards.py")
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        # The stopped test cannot remove its temporary directory: give it one inside ours.
        with report.section("stopped with %s" % signal_number.name), \
                tempfile.TemporaryDirectory(prefix="qemuc-e2e-cleanup-") as directory:
            test_process = subprocess.Popen([sys.executable, script, qemuc, x86_kernel],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            env=dict(os.environ, TMPDIR=directory))
            try:
                qemu = running_qemu(test_process)
                test_process.send_signal(signal_number)
                test_process.wait(10)
                report.check(gone(qemu), "stopped with %s: its QEMU (pid %d) is gone" % (signal_number.name, qemu))
            finally:
                if test_process.poll() is None:
                    test_process.kill()
                    test_process.wait()


if __name__ == "__main__":
    harness.main(test)
