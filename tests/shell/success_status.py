#!/usr/bin/env python3
"""The launch script of a profile with qemu.success_status (SPEC §9) under a real shell.

usage: success_status.py QEMUC SHELL [SHELL_ARG...]   run the script under SHELL
       success_status.py --shellcheck QEMUC            run shellcheck -s sh on it

The script cannot exec QEMU: it runs it as a child, passes SIGINT, SIGTERM and SIGHUP on to it,
and exits 0 for the success status (85 here) and with QEMU's status otherwise. A fake QEMU (a
Python script written by the test, which sets its own signal handlers as QEMU does) does what its
last argument (from the script's "$@") says and reports what it saw in a JSON file. Checks:
  1. statuses: 85 -> 0, 0 -> 0, 7, 84 and 255 unchanged, killed by SIGKILL -> 137;
  2. the fake gets exactly the JSON argv plus the extra arguments, the script's standard input
     (not the /dev/null of an asynchronous command), no fd 9 (the script's), and is the script's
     own child (`exec` in the background);
  3. holding, SIGTERM, SIGINT and SIGHUP to the script reach the fake, and the script exits with
     the fake's status then (0, 3, or 0 for 85), not 128 + the signal; two signals in a row too;
     once the script has exited, the fake is gone.
With --shellcheck: `shellcheck --norc -s sh` on the script exits 0 with no output.
Exit status: 0 pass, 1 fail, 77 skip (the shell or shellcheck is not installed).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
SUCCESS = 85

FAKE_QEMU = r'''#!%(python)s
# A stand-in for QEMU: does what its last argument says; writes what it saw to $FAKE_QEMU_REPORT.
import json, os, signal, sys, time
report = {"argv": sys.argv[1:], "ppid": os.getppid(), "pid": os.getpid(),
          "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd"))}
path = os.environ["FAKE_QEMU_REPORT"]
def save():
    with open(path + ".tmp", "w") as f:
        json.dump(report, f)
    os.rename(path + ".tmp", path)
action, _, value = sys.argv[-1].partition("=")
if action == "stdin":
    report["stdin"] = sys.stdin.readline()
    value = "3"
if action == "kill":
    save()
    os.kill(os.getpid(), int(value))
if action == "hold":  # like QEMU: its own handlers, also for a SIGINT the shell left ignored
    report["signals"] = []
    def caught(number, frame):
        report["signals"].append(number)
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, caught)
    save()
    deadline = time.monotonic() + 20
    while not report["signals"] and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # time for a second signal, which the script must pass on too
save()
sys.exit(int(value))
'''


def compile_script(qemuc, directory):
    fake = os.path.join(directory, "fake qemu")
    with open(fake, "w") as f:
        f.write(FAKE_QEMU % {"python": sys.executable})
    os.chmod(fake, 0o755)
    profile = os.path.join(directory, "ci.yaml")
    with open(profile, "w") as f:
        f.write("name: ci\nqemu:\n  binary: %s\n  target: x86_64\n  memory: 64\n  kernel: /k\n"
                "  success_status: %d\ncmdline: [\"it's\", \"$HOME\"]\n" % (json.dumps(fake), SUCCESS))
    script = os.path.join(directory, "launch.sh")
    for args in (["-f", "shell", "-o", script], ["-f", "json"]):
        result = subprocess.run([qemuc, "compile", "--no-host-checks"] + args + [profile],
                                capture_output=True)
        if result.returncode != 0:
            sys.exit("qemuc compile %s: %s" % (" ".join(args), result.stderr.decode(errors="replace")))
    return script, json.loads(result.stdout)["argv"]


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what, detail=""):
        print(("ok: " if ok else "FAIL: ") + what + ("" if ok or not detail else "\n  " + detail))
        self.failed += not ok


def read_report(path):
    with open(path) as f:
        return json.load(f)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def check_statuses(checks, shell, script, env):
    for fake, want in [("exit=85", 0), ("exit=0", 0), ("exit=7", 7), ("exit=84", 84),
                       ("exit=255", 255), ("kill=9", 128 + 9)]:
        result = subprocess.run(shell + [script, fake], stdin=subprocess.DEVNULL, env=env,
                                capture_output=True, timeout=30)
        # A shell reports a child killed by a signal ("Killed"), else nothing.
        quiet = result.stderr == b"" or fake.startswith("kill=")
        checks.check(result.returncode == want and quiet,
                     "QEMU's %s: the script exits %d" % (fake, want),
                     "status %d, stderr %r" % (result.returncode, result.stderr))


def check_child(checks, shell, script, env, json_argv):
    extras = ["x y", "it's", "stdin"]
    process = subprocess.Popen(shell + [script] + extras, stdin=subprocess.PIPE, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(b"a line for QEMU\n", timeout=30)
    report = read_report(env["FAKE_QEMU_REPORT"])
    checks.check(process.returncode == 3 and report["stdin"] == "a line for QEMU\n",
                 "QEMU reads the script's standard input", "status %d, %r, stderr %r"
                 % (process.returncode, report, err))
    checks.check(report["argv"] == json_argv[1:] + extras,
                 "QEMU gets the JSON argv and the extra arguments", "%r" % report["argv"])
    checks.check(9 not in report["fds"], "fd 9 is closed for QEMU", "%r" % report["fds"])
    checks.check(report["ppid"] == process.pid, "QEMU is the script's own child",
                 "its parent %d, the script %d" % (report["ppid"], process.pid))


def check_closed_stdin(checks, shell, script, env):
    """Started with standard input closed, the script still runs QEMU (on /dev/null) and maps its
    status, as the exec form would start QEMU."""
    result = subprocess.run(shell + [script, "stdin"], stdin=None, env=env, capture_output=True,
                            timeout=30, preexec_fn=lambda: os.close(0))
    report = read_report(env["FAKE_QEMU_REPORT"])
    checks.check(result.returncode == 3 and report["stdin"] == "" and result.stderr == b"",
                 "with standard input closed, QEMU runs on /dev/null",
                 "status %d, %r, stderr %r" % (result.returncode, report, result.stderr))


def start_holding(shell, script, env, status):
    report_path = env["FAKE_QEMU_REPORT"]
    if os.path.exists(report_path):
        os.remove(report_path)
    process = subprocess.Popen(shell + [script, "hold=%d" % status], stdin=subprocess.DEVNULL,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while not os.path.exists(report_path):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the fake QEMU did not start holding: %r" % (process.communicate(),))
        time.sleep(0.01)
    return process, read_report(report_path)


def check_signals(checks, shell, script, env):
    cases = [([signal.SIGTERM], 0, 0), ([signal.SIGINT], 0, 0), ([signal.SIGHUP], 0, 0),
             ([signal.SIGTERM], 3, 3), ([signal.SIGTERM], SUCCESS, 0),
             ([signal.SIGTERM, signal.SIGHUP], 5, 5)]
    for signals, fake_status, want in cases:
        names = " then ".join(signal.Signals(s).name for s in signals)
        process, held = start_holding(shell, script, env, fake_status)
        for number in signals:
            os.kill(process.pid, number)
            time.sleep(0.1)
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        seen = read_report(env["FAKE_QEMU_REPORT"]).get("signals")
        checks.check(process.returncode == want and seen == [int(s) for s in signals],
                     "%s to the script reaches QEMU, which exits %d: the script exits %d"
                     % (names, fake_status, want),
                     "status %r, QEMU saw %r, stderr %r" % (process.returncode, seen, err))
        checks.check(not alive(held["pid"]), "%s: no QEMU left once the script is gone" % names)
        if alive(held["pid"]):
            os.kill(held["pid"], signal.SIGKILL)


def main(args):
    if args[0] == "--shellcheck":
        qemuc, shell = os.path.abspath(args[1]), None
        if shutil.which("shellcheck") is None:
            print("SKIP: shellcheck is not installed (scripts/setup --test installs it)")
            return SKIP
    else:
        qemuc, shell = os.path.abspath(args[0]), args[1:]
        if shutil.which(shell[0]) is None:
            print("SKIP: %s is not installed (scripts/setup --test installs it)" % shell[0])
            return SKIP
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="qemuc-success-status-") as directory:
        script, json_argv = compile_script(qemuc, directory)
        if shell is None:
            result = subprocess.run(["shellcheck", "--norc", "-s", "sh", script], capture_output=True)
            checks.check(result.returncode == 0 and not result.stdout and not result.stderr,
                         "shellcheck -s sh passes the success_status script",
                         (result.stdout + result.stderr).decode(errors="replace"))
        else:
            env = dict(os.environ, FAKE_QEMU_REPORT=os.path.join(directory, "report.json"))
            check_statuses(checks, shell, script, env)
            check_child(checks, shell, script, env, json_argv)
            check_closed_stdin(checks, shell, script, env)
            check_signals(checks, shell, script, env)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
