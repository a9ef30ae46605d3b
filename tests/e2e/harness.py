"""What the end-to-end tests share: the report, qemuc, QEMU processes that cannot outlive a test,
QMP and KVM. (What the test kernels print: test_kernels.py; reading an argv: qemu_argv.py; files
and ports for a profile: fixtures.py; network namespaces: netns.py.)

A test script calls `harness.main(test)`; `test(args, report)` returns nothing and records its
checks in `report`. It raises `Failure` to stop with one failed check, or calls `skip(reason)`
to end with meson's status 77 (skipped).
"""

import contextlib
import functools
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import qemu_argv

SKIPPED = 77  # meson's exit status for a skipped test

DEBIAN_PACKAGES = {"x86_64": "qemu-system-x86", "aarch64": "qemu-system-arm", "riscv64": "qemu-system-misc"}


class Failure(Exception):
    """One failed check, with what was seen."""


class Skip(Exception):
    """The test cannot run on this machine, for the reason given."""


def skip(reason):
    raise Skip(reason)


class Report:
    """One line per check: `ok: ...`, `FAIL: ...` or `SKIP (part): ...`."""

    def __init__(self):
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            print("ok: " + what)
        else:
            self.failed += 1
            print("FAIL: " + what + ("\n  " + detail.replace("\n", "\n  ") if detail else ""))
        return ok

    def fail(self, what, detail=""):
        return self.check(False, what, detail)

    def skip_part(self, what, reason):
        print("SKIP (part): %s: %s" % (what, reason))

    @contextlib.contextmanager
    def section(self, what):
        """Runs a block of checks; a Failure inside it fails `what` and the test goes on."""
        try:
            yield
        except Failure as failure:
            self.fail(what, str(failure))


# While Processes.start() is between starting a process and recording it, SIGTERM waits: an exit
# raised in that gap would leave the new process out of the list that gets killed.
_sigterm_deferred = False
_sigterm_pending = False


def _on_sigterm(signum, frame):
    global _sigterm_pending
    if _sigterm_deferred:
        _sigterm_pending = True
    else:
        sys.exit(128 + signum)


@contextlib.contextmanager
def _sigterm_deferred_here():
    global _sigterm_deferred, _sigterm_pending
    _sigterm_deferred = True
    try:
        yield
    finally:
        _sigterm_deferred = False
        if _sigterm_pending:
            _sigterm_pending = False
            sys.exit(128 + signal.SIGTERM)


def main(test):
    """Runs test(args, report) and exits with 0, 1 (a check failed) or 77 (skipped)."""
    # meson ends a test that overruns its timeout with SIGTERM: turn it into an exception, so that
    # the `with Processes()` blocks on the stack still kill their QEMUs.
    signal.signal(signal.SIGTERM, _on_sigterm)
    report = Report()
    try:
        test(sys.argv[1:], report)
    except Skip as reason:
        if report.failed:  # a skip must not hide the failures before it
            report.fail("stopped", "skipped after failures: %s" % reason)
        else:
            print("SKIP: %s" % reason)
            sys.exit(SKIPPED)
    except Failure as failure:
        report.fail("stopped", str(failure))
    except Exception:  # a bug in the test itself: show it, and fail
        report.fail("the test crashed", traceback.format_exc())
    sys.exit(1 if report.failed else 0)


# --- qemuc ----------------------------------------------------------------------------------------

def run_qemuc(qemuc, args, cwd=None):
    """Runs qemuc; returns its stdout, or raises Failure with its stderr."""
    # meson passes qemuc relative to the build directory: keep it valid in another `cwd`.
    result = subprocess.run([os.path.abspath(qemuc)] + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        raise Failure("qemuc %s: exit %d\n%s" % (" ".join(args), result.returncode,
                                                  result.stderr.decode(errors="replace")))
    return result.stdout


def compile_argv(qemuc, args, cwd=None):
    """The argv of `qemuc compile -f json ARGS`."""
    document = json.loads(run_qemuc(qemuc, ["compile", "-f", "json"] + list(args), cwd))
    return document["argv"]


def resolve(qemuc, args, cwd=None):
    """The merged profile of `qemuc resolve --output-format json ARGS`."""
    return json.loads(run_qemuc(qemuc, ["resolve", "--output-format", "json"] + list(args), cwd))


def before_kernel_arguments(arguments, options):
    """qemuc arguments with `options` added before their `--`, if any (after it: kernel arguments)."""
    if "--" in arguments:
        at = arguments.index("--")
        return arguments[:at] + options + arguments[at:]
    return arguments + options


def target_of(argv):
    try:
        return qemu_argv.target_of(argv)
    except qemu_argv.UnknownTarget as error:
        raise Failure(str(error))


# --- Processes ----------------------------------------------------------------------------------

class Processes:
    """Starts processes that cannot outlive the test.

    Each runs in a session of its own, and everything in that session is killed when the `with`
    block ends, also on a failure or SIGTERM. Each also gets SIGKILL as its parent-death signal
    (setpriv, kept across exec), for the case where the test itself is killed. On leaving, a check
    fails if any process of those sessions is still there.

    QEMUC_E2E_NO_PDEATHSIG=1 leaves the parent-death signal out, so that cleanup.py can show
    that SIGTERM alone cleans up.
    """

    def __init__(self, report):
        self.report = report
        self.started = []

    def __enter__(self):
        return self

    def start(self, argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        if os.environ.get("QEMUC_E2E_NO_PDEATHSIG") != "1":
            argv = ["setpriv", "--pdeathsig", "KILL", "--"] + list(argv)
        with _sigterm_deferred_here():
            process = subprocess.Popen(argv, start_new_session=True, **kwargs)
            self.started.append(process)
        return process

    def start_logged(self, argv, log_prefix, **kwargs):
        """Starts argv with stdout in the file log_prefix + ".stdout" (to read while it runs)
        and stderr in log_prefix + ".stderr"."""
        with open(log_prefix + ".stdout", "wb") as stdout, open(log_prefix + ".stderr", "wb") as stderr:
            return self.start(argv, stdout=stdout, stderr=stderr, **kwargs)

    def run(self, argv, timeout=10, **kwargs):
        """Runs argv to its end (the kernels need 0.2 s); returns (status, stdout, stderr), bytes."""
        process = self.start(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_session(process)
            try:
                stdout, stderr = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # something outside the session holds the pipes
                stdout, stderr = b"", b""
            raise Failure("still running after %d s: %s\nstdout: %r\nstderr: %r"
                          % (timeout, " ".join(argv), stdout[-2000:], stderr[-2000:]))
        return process.returncode, stdout, stderr

    def __exit__(self, *exception):
        for process in self.started:
            kill_session(process)
        left = [pid for process in self.started for pid in session_members(process)]
        if left:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.report.fail("no process left behind", "still running: %s" % describe(left))
        return False


def kill_session(process):
    """Kills everything in the process's session, also when its leader has already gone."""
    if process.returncode is None:  # not reaped yet: its pid, and so its group's id, is still ours
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for pid in session_members(process, patience=0):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def process_status(pid):
    """(command name, state, parent pid, session) of a process, from /proc; None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            name, rest = f.read().split(" (", 1)[1].rsplit(") ", 1)
    except OSError:
        return None
    state, parent, _, session = rest.split()[:4]
    return name, state, int(parent), int(session)


def live_processes():
    """{pid: process_status(pid)} of every process that is not a zombie."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            status = process_status(int(entry))
            if status and status[1] != "Z":
                found[int(entry)] = status
    return found


def session_members(process, patience=1.0):
    """The live processes left in the session of a reaped `process`, given a moment to vanish
    after SIGKILL. Once the leader is reaped its pid may be reused: if a live process has it,
    the session id now belongs to someone else, and none are ours to report."""
    deadline = time.monotonic() + patience
    while True:
        processes = live_processes()
        members = [] if process.pid in processes else \
            [pid for pid, status in processes.items() if status[3] == process.pid]
        if not members or time.monotonic() > deadline:
            return members
        time.sleep(0.05)


def describe(pids):
    lines = []
    for pid in pids:
        with contextlib.suppress(OSError):
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                lines.append("%d %s" % (pid, f.read().replace(b"\0", b" ").decode(errors="replace")))
    return "\n".join(lines)


def wait_for_output(path, process, marker, timeout=10):
    """Waits until the file `path` (a process's stdout) holds `marker`; returns its content."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path, "rb") as f:
            content = f.read()
        if marker in content:
            return content
        if process.poll() is not None:
            raise Failure("exited with status %d before printing %r; stdout: %r"
                          % (process.returncode, marker, content[-2000:]))
        if time.monotonic() > deadline:
            raise Failure("did not print %r within %d s; stdout: %r" % (marker, timeout, content[-2000:]))
        time.sleep(0.02)


# --- QEMU ---------------------------------------------------------------------------------------

def qemu_program(target):
    """The installed QEMU for target, or skip."""
    program = shutil.which(qemu_argv.QEMU_PROGRAMS[target])
    if program is None:
        skip("%s is not installed (scripts/setup --test installs %s)"
             % (qemu_argv.QEMU_PROGRAMS[target], DEBIAN_PACKAGES[target]))
    return program


@functools.lru_cache(maxsize=None)
def kvm_problem(target, cpu="host"):
    """Why a KVM guest of `target` with the CPU model `cpu` cannot run here, or None if it can.
    Probes with a QEMU of its own, once per target, model and test."""
    if target == "riscv64":
        return "qemuc runs riscv64 under TCG only (a profile with kvm: true is refused)"
    host = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine(), platform.machine())
    if host != target:
        return "KVM runs guests of the host's own architecture only (this host is %s)" % host
    if not os.path.exists("/dev/kvm"):
        return "this machine has no /dev/kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not readable and writable by this user"
    # A KVM profile gets `-enable-kvm -cpu host` (SPEC §5, the seed) unless qemu.cpu names another
    # model: try exactly that alone.
    machine = "q35" if target == "x86_64" else "virt,gic_version=host"
    # The probe's own report: its QEMU is killed at the end of the block like any other.
    with tempfile.TemporaryDirectory(prefix="qemuc-kvm-probe-") as directory, Processes(Report()) as processes:
        socket_path = os.path.join(directory, "qmp")
        process = processes.start([qemu_program(target), "-machine", machine, "-enable-kvm",
                                   "-cpu", cpu, "-display", "none", "-S"] + qmp_argv(socket_path),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            with Qmp(socket_path, process) as qmp:
                qmp.command("query-status")
            return None
        except Failure as failure:
            try:
                process.wait(5)  # a QEMU that aborted may still be on its way out
            except subprocess.TimeoutExpired:
                raise failure  # running, but not answering: a problem of the test, not KVM's
            message = process.stderr.read().decode(errors="replace").strip().splitlines()
            return ("/dev/kvm is there, but QEMU cannot run `-enable-kvm -cpu %s` on it: %s"
                    % (cpu, message[0] if message else "exit status %d" % process.returncode))


class Qmp:
    """A QMP client on a unix socket: the greeting, qmp_capabilities, then commands."""

    def __init__(self, path, process, timeout=10, stderr_path=None):
        """Connects to QEMU `process` at `path`; a failure shows the file stderr_path, if given."""
        try:
            self._connect(path, process, timeout)
        except Failure as failure:
            self.socket.close()
            if stderr_path:
                with open(stderr_path, "rb") as f:
                    failure = Failure("%s\nQEMU's stderr: %s" % (failure, f.read().decode(errors="replace")))
            raise failure

    def _connect(self, path, process, timeout):
        deadline = time.monotonic() + timeout
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket.settimeout(timeout)
        while True:
            if process.poll() is not None:
                raise Failure("QEMU exited with status %d before answering on %s"
                              % (process.returncode, path))
            try:
                self.socket.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise Failure("no QMP socket at %s after %d s" % (path, timeout))
                time.sleep(0.02)
        self.reader = self.socket.makefile("rb")
        self.events = []  # every event read so far, in order, while waiting for answers
        if "QMP" not in self._read():
            raise Failure("no QMP greeting on " + path)
        self.command("qmp_capabilities")

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.reader.close()
        self.socket.close()
        return False

    def command(self, name, **arguments):
        message = {"execute": name}
        if arguments:
            message["arguments"] = arguments
        try:
            self.socket.sendall(json.dumps(message).encode() + b"\n")
        except OSError as error:
            raise Failure("QMP %s: %s" % (name, error))
        while True:
            answer = self._read()
            if "event" in answer:
                self.events.append(answer)
                continue
            if "error" in answer:
                raise Failure("QMP %s: %s" % (name, answer["error"].get("desc")))
            return answer["return"]

    def _read(self):
        try:
            line = self.reader.readline()
        except socket.timeout:
            raise Failure("QMP: no answer")
        except OSError as error:  # QEMU died, e.g. a connection reset
            raise Failure("QMP: %s" % error)
        if not line:
            raise Failure("QMP: QEMU closed the connection")
        return json.loads(line)


def qmp_argv(socket_path):
    """Options that add a QMP socket, for a QEMU that the test asks things."""
    return ["-qmp", "unix:%s,server=on,wait=off" % socket_path.replace(",", ",,")]


def start_held(processes, argv, socket_path, log_prefix=None):
    """Starts QEMU on argv through `processes`, held before the guest's first instruction (-S),
    with a QMP socket at socket_path to ask it things. Its output goes to log_prefix + ".stdout"
    and ".stderr", or nowhere without log_prefix."""
    held = argv + ["-S"] + qmp_argv(socket_path)
    if log_prefix is None:
        return processes.start(held, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return processes.start_logged(held, log_prefix)


def block_devices(qmp):
    """QMP query-block as {device: what is inserted in it ({} when nothing is)}."""
    return {device["device"]: device.get("inserted", {}) for device in qmp.command("query-block")}
