#!/usr/bin/env python3
"""A test that is stopped leaves no QEMU behind.

usage: cleanup.py QEMUC X86_KERNEL

Runs user_forwards.py, whose guest holds until QEMU is killed, and stops it while its QEMU runs:
- with SIGTERM, as meson does when a test overruns its timeout, and with the parent-death signal
  turned off (QEMUC_E2E_NO_PDEATHSIG=1), so that only the test's own handling can clean up: it
  must exit with 143 (128 + SIGTERM), its QEMU must be gone and its temporary files removed;
- with SIGKILL, which no test can catch: QEMU's parent-death signal (harness.Processes) must
  end it. The killed test cannot remove its temporary files: meson's timeout sends SIGKILL only
  if SIGTERM has not ended the test within 0.5 s, which the SIGTERM case shows it does.
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time

import fixtures
import harness


def running_qemu(test_process, timeout=10):
    """The QEMU the test started (its child: the launch script execs QEMU), once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, (name, _, parent, _) in harness.live_processes().items():
            if parent == test_process.pid and name.startswith("qemu-system"):
                return pid
        if test_process.poll() is not None:
            raise harness.Failure("user_forwards.py ended (status %d) before its QEMU was seen"
                                  % test_process.returncode)
        time.sleep(0.02)
    raise harness.Failure("no QEMU under user_forwards.py after %d s" % timeout)


def still_qemu(pid):
    status = harness.live_processes().get(pid)
    return status is not None and status[0].startswith("qemu-system")


def gone(pid, patience=5.0):
    """Whether the QEMU with this pid ends within `patience` seconds."""
    deadline = time.monotonic() + patience
    while still_qemu(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def stop_while_running(report, qemuc, x86_kernel, signal_number, directory, environment):
    """Starts user_forwards.py with TMPDIR=directory, sends it signal_number while its QEMU runs;
    returns its exit status."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "user_forwards.py")
    test_process = subprocess.Popen([sys.executable, script, qemuc, x86_kernel],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    env=dict(os.environ, TMPDIR=directory, **environment))
    qemu = None
    try:
        qemu = running_qemu(test_process)
        test_process.send_signal(signal_number)
        status = test_process.wait(10)
        report.check(gone(qemu), "stopped with %s: its QEMU (pid %d) is gone" % (signal_number.name, qemu),
                     "still there: %s" % (harness.live_processes().get(qemu),))
        return status
    finally:
        if test_process.poll() is None:
            test_process.kill()
            test_process.wait()
        if qemu is not None and still_qemu(qemu):  # the regression this test is for: do not
            with contextlib.suppress(ProcessLookupError):  # leave its QEMU running as well
                os.kill(qemu, signal.SIGKILL)


def test(args, report):
    qemuc, x86_kernel = args
    fixtures.Kernels(x86_kernel).require("x86_64")
    # The stopped test's TMPDIR is a directory of ours: what it leaves there can be seen, and goes.
    with report.section("stopped with SIGTERM"), tempfile.TemporaryDirectory(prefix="qemuc-e2e-cleanup-") as directory:
        status = stop_while_running(report, qemuc, x86_kernel, signal.SIGTERM, directory,
                                    {"QEMUC_E2E_NO_PDEATHSIG": "1"})
        report.check(status == 128 + signal.SIGTERM, "stopped with SIGTERM: the test exits with 143",
                     "exit status %s" % status)
        report.check(os.listdir(directory) == [], "stopped with SIGTERM: the test removed its files",
                     "left: %s" % os.listdir(directory))
    with report.section("stopped with SIGKILL"), tempfile.TemporaryDirectory(prefix="qemuc-e2e-cleanup-") as directory:
        stop_while_running(report, qemuc, x86_kernel, signal.SIGKILL, directory, {})


if __name__ == "__main__":
    harness.main(test)
