#!/usr/bin/env python3
"""qemuc qmp-powerdown against a fake QMP peer and a real QEMU (issue 5).

usage: qmp_powerdown.py QEMUC
- a fake QMP server that, on system_powerdown, ends the process it stands for: status 0;
- a fake server that answers system_powerdown with an error: status 1, the error shown;
- a real qemu-system-x86_64 -S (a guest that never handles the power button): the handshake and
  system_powerdown succeed, and the timeout gives status 3 (skipped without QEMU);
- a missing socket, and a PID that is not running: status 1 with a clear message;
- hostile peers (issue 10): one that trickles bytes without a newline and one that floods events
  end at the deadline; one that floods bytes without a newline ends at the 64 KiB line cap; all
  in bounded memory;
- out-of-range PIDs and timeouts: usage errors (status 2).
"""

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def fake_qmp(path, child, answer_error=False):
    """Serves one QMP session on `path`; on system_powerdown ends `child` (or answers an error)."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve():
        connection, _ = server.accept()
        reader = connection.makefile("rb")
        connection.sendall(b'{"QMP": {"version": {}, "capabilities": []}}\n')
        for line in reader:
            if b"qmp_capabilities" in line:
                connection.sendall(b'{"event": "NOISE", "data": {}}\n{"return": {}}\n')
            elif b"system_powerdown" in line:
                if answer_error:
                    connection.sendall(b'{"error": {"class": "GenericError", "desc": "no"}}\n')
                else:
                    connection.sendall(b'{"return": {}}\n')
                    child.terminate()
                    child.wait()
                break
        connection.close()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def hostile_qmp(path, behaviour):
    """Serves one QMP session on `path`: the greeting, then `behaviour(connection)` until the
    client goes away."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve():
        connection, _ = server.accept()
        try:
            connection.sendall(b'{"QMP": {"version": {}, "capabilities": []}}\n')
            behaviour(connection)
        except OSError:
            pass  # qemuc gave up and closed the connection: what we wait for
        connection.close()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def trickle(connection):
    """A few bytes every 10 ms, never a newline: no line ever ends, and none gets long."""
    while True:
        connection.sendall(b"0123456789")
        time.sleep(0.01)


def flood_events(connection):
    """Asynchronous events as fast as the socket takes them: never the reply qemuc waits for."""
    event = b'{"event": "NOISE", "data": {}}\n' * 1000
    while True:
        connection.sendall(event)


def flood_bytes(connection):
    """As many bytes as the socket takes, never a newline (70 MB in 40 s before issue 10)."""
    chunk = b"x" * 65536
    while True:
        connection.sendall(chunk)


def hostile_reply(connection):
    """Answers qmp_capabilities with an error of 60 kB full of terminal controls: an OSC that
    retitles the window, a screen clear, BEL, a byte that is not UTF-8."""
    connection.recv(4096)
    desc = b"\x1b]0;PWNED\x07\x1b[2J\xff" + b"x" * 60000
    connection.sendall(b'{"error": {"class": "GenericError", "desc": "' + desc + b'"}}\n')
    connection.recv(4096)


def check_hostile_reply(qemuc, top):
    """What the peer sent reaches stderr escaped and cut to a line."""
    child = subprocess.Popen(["sleep", "30"])
    sock = os.path.join(top, "reply.qmp")
    thread = hostile_qmp(sock, hostile_reply)
    result = run(qemuc, sock, str(child.pid), "--timeout", "5")
    thread.join(5)
    child.kill()
    child.wait()
    controls = sorted({b for b in result.stderr if b < 0x20 and b != 0x0A or b == 0x7F})
    ok = check("a hostile QMP error reply", result, 1,
               "qmp_capabilities failed: '{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"\\x1b]0;PWNED\\x07\\x1b[2J\\xffxxx")
    ok &= check_that(not controls and len(result.stderr) < 400,
                     "a hostile QMP error reply: escaped and cut", "%d bytes, controls %s: %r" %
                     (len(result.stderr), controls, result.stderr[:200]))
    return ok


def check_hostile_peers(qemuc, top):
    ok = True
    for name, behaviour, text in [("a peer trickling bytes without a newline", trickle, "did not answer in time"),
                                  ("a peer flooding events", flood_events, "did not answer in time"),
                                  ("a peer flooding bytes without a newline", flood_bytes,
                                   "QEMU sent a line longer than 64 KiB; QMP replies are short")]:
        child = subprocess.Popen(["sleep", "30"])
        sock = os.path.join(top, "%s.qmp" % behaviour.__name__)
        thread = hostile_qmp(sock, behaviour)
        started = time.monotonic()
        ok &= check(name, run(qemuc, sock, str(child.pid), "--timeout", "0.5"), 1, text)
        elapsed = time.monotonic() - started
        ok &= check_that(elapsed < 1.5, "%s: done within 1.5 s of a 0.5 s timeout" % name, "%.1f s" % elapsed)
        thread.join(5)
        child.kill()
        child.wait()
    # qemuc and the sleeps are the only children; QEMU-less qemuc stays far below this.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
    ok &= check_that(peak < 32 * 1024, "hostile peers: qemuc's peak memory stays under 32 MiB", "%d KiB" % peak)
    return ok


def check_usage_errors(qemuc, top):
    ok = True
    sock = os.path.join(top, "never.qmp")
    pid = str(os.getpid())
    for timeout, shown in [("inf", "inf"), ("nan", "nan"), ("1e300", "1e+300"), ("4294968", "4294968"),
                           ("86400.5", "86400.5"), ("0", "0"), ("-1", "-1")]:
        ok &= check("--timeout %s" % timeout, run(qemuc, sock, pid, "--timeout", timeout), 2,
                    "qemuc: error: --timeout must be more than 0 and at most 86400 seconds, not %s\n" % shown)
    for bad in ["0", "4194305", "4294967297", "18446744073709551617", "12x"]:
        ok &= check("PID %s" % bad, run(qemuc, sock, bad), 2,
                    "qemuc: error: PID must be a process id from 1 to 4194304, not '%s'\n" % bad)
    return ok


def run(qemuc, *args):
    return subprocess.run([qemuc, "qmp-powerdown", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def check_that(ok, what, detail):
    """Prints `ok: WHAT` or `FAIL: WHAT (DETAIL)`; returns ok."""
    print("ok: %s" % what if ok else "FAIL: %s (%s)" % (what, detail))
    return ok


def check(what, result, status, text):
    """qemuc's exit status is `status` and its stderr holds `text`."""
    stderr = result.stderr.decode(errors="replace")
    return check_that(result.returncode == status and text in stderr, "%s: status %d" % (what, status),
                      "got status %d, stderr %r; want stderr with %r" % (result.returncode, stderr, text))


def main():
    qemuc = os.path.abspath(sys.argv[1])
    ok = True
    with tempfile.TemporaryDirectory(prefix="qemuc-qmp-") as top:
        child = subprocess.Popen(["sleep", "30"])
        thread = fake_qmp(os.path.join(top, "a.qmp"), child)
        ok &= check("powered off", run(qemuc, os.path.join(top, "a.qmp"), str(child.pid), "--timeout", "5"), 0, "")
        thread.join(5)

        child = subprocess.Popen(["sleep", "30"])
        thread = fake_qmp(os.path.join(top, "b.qmp"), child, answer_error=True)
        ok &= check("QEMU refuses", run(qemuc, os.path.join(top, "b.qmp"), str(child.pid), "--timeout", "5"), 1,
                    "system_powerdown failed")
        child.kill()
        child.wait()

        ok &= check("no socket", run(qemuc, os.path.join(top, "none.qmp"), str(os.getpid())), 1,
                    "cannot connect to")
        gone = subprocess.Popen(["true"])
        gone.wait()
        ok &= check("dead PID", run(qemuc, os.path.join(top, "a.qmp"), str(gone.pid)), 1, "is not running")

        ok &= check_hostile_peers(qemuc, top)
        ok &= check_hostile_reply(qemuc, top)
        ok &= check_usage_errors(qemuc, top)

        qemu = shutil.which("qemu-system-x86_64")
        if qemu is None:
            print("SKIP (part): qemu-system-x86_64 not installed (scripts/setup --test installs it)")
        else:
            sock = os.path.join(top, "q.qmp")
            vm = subprocess.Popen([qemu, "-S", "-display", "none", "-nodefaults", "-machine", "q35",
                                   "-qmp", "unix:%s,server=on,wait=off" % sock],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                for _ in range(100):
                    if os.path.exists(sock):
                        break
                    time.sleep(0.05)
                started = time.monotonic()
                ok &= check("a real QEMU whose guest ignores the button",
                            run(qemuc, sock, str(vm.pid), "--timeout", "1"), 3, "still runs after 1 s")
                elapsed = time.monotonic() - started
                ok &= check_that(elapsed < 5, "qmp-powerdown --timeout 1 returns within 5 s", "%.1f s" % elapsed)
                ok &= check_that(vm.poll() is None, "the handshake did not disturb QEMU: it still runs",
                                 "exit status %s" % vm.returncode)
            finally:
                vm.send_signal(signal.SIGKILL)
                vm.wait()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
