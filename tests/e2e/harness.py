"""What the end-to-end tests share: qemuc, QEMU processes that cannot outlive a test, QMP, the
test kernels' output, loopback ports, network namespaces and the report.

A test script calls `harness.main(test)`; `test(args, report)` returns nothing and records its
checks in `report`. It raises `Failure` to stop with one failed check, or calls `skip(reason)`
to end with meson's status 77 (skipped).
"""

import contextlib
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

SKIPPED = 77  # meson's exit status for a skipped test

# What the test kernels write (tests/e2e/kernels/*.s).
X86_UP = b"qemuc-test-kernel: x86_64 up\n"
X86_CMDLINE = b"cmdline: "
X86_EXIT = b"qemuc-test-kernel: exit 42\n"
X86_HOLDING = b"qemuc-test-kernel: holding\n"
X86_EXIT_STATUS = (42 << 1) | 1  # isa-debug-exit turns the value v into the status (v << 1) | 1
X86_HOLD_WORD = "qemuc-test.hold"  # on the command line: print, then halt instead of exiting
ARM_UP = b"qemuc-test-kernel: aarch64 up\n"
ARM_POWER_OFF = b"qemuc-test-kernel: power off\n"
ARM_EXIT_STATUS = 0  # PSCI SYSTEM_OFF

# The QEMU program of each target, as the seed names it in argv[0].
QEMU_PROGRAMS = {"x86_64": "qemu-system-x86_64", "aarch64": "qemu-system-aarch64"}
DEBIAN_PACKAGES = {"x86_64": "qemu-system-x86", "aarch64": "qemu-system-arm"}


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


def main(test):
    """Runs test(args, report) and exits with 0, 1 (a check failed) or 77 (skipped)."""
    # meson ends a test that overruns its timeout with SIGTERM: turn it into an exception, so that
    # the `with Processes()` blocks on the stack still kill their QEMUs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    report = Report()
    try:
        test(sys.argv[1:], report)
    except Skip as reason:
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


def target_of(argv):
    for target, program in QEMU_PROGRAMS.items():
        if os.path.basename(argv[0]) == program:
            return target
    raise Failure("argv[0] %r is not a QEMU this test knows" % argv[0])


# --- QEMU option values -------------------------------------------------------------------------

def split_keyval(value):
    """Splits a QEMU option value at its single commas; `,,` is a literal comma."""
    parts, current, i = [], "", 0
    while i < len(value):
        if value[i] == ",":
            if value[i + 1:i + 2] == ",":
                current += ","
                i += 2
                continue
            parts.append(current)
            current = ""
        else:
            current += value[i]
        i += 1
    parts.append(current)
    return parts


def options_of(argv, name):
    """The values of every `name VALUE` pair in argv."""
    return [argv[i + 1] for i in range(1, len(argv) - 1) if argv[i] == name]


def suboption(parts, key):
    """The value of `key=` among split_keyval() parts, or None."""
    for part in parts:
        if part.startswith(key + "="):
            return part[len(key) + 1:]
    return None


def drives_of(argv):
    """{drive id: file} of every -drive."""
    drives = {}
    for value in options_of(argv, "-drive"):
        parts = split_keyval(value)
        drives[suboption(parts, "id")] = suboption(parts, "file")
    return drives


def forwards_of(argv):
    """[(network id, guest port)] of every user-network hostfwd."""
    forwards = []
    for value in options_of(argv, "-netdev"):
        parts = split_keyval(value)
        if parts[0] != "user":
            continue
        for part in parts:
            if part.startswith("hostfwd="):
                forwards.append((suboption(parts, "id"), int(part.rsplit(":", 1)[1])))
    return forwards


def has_tap(argv):
    return any(split_keyval(value)[0] == "tap" for value in options_of(argv, "-netdev"))


def uses_kvm(argv):
    return "-enable-kvm" in argv or any("accel=kvm" in value for value in options_of(argv, "-machine"))


# --- Files for a profile to boot ----------------------------------------------------------------

class Kernels:
    """The test kernels meson built (an empty path: not built, e.g. the cross binutils missing)."""

    def __init__(self, x86_64, aarch64):
        self.paths = {target: os.path.abspath(path) if path else ""
                      for target, path in (("x86_64", x86_64), ("aarch64", aarch64))}

    def path(self, target):
        path = self.paths[target]
        if not path or not os.path.isfile(path):
            skip("the %s test kernel was not built (scripts/setup --test installs %s)"
                 % (target, "binutils-aarch64-linux-gnu" if target == "aarch64" else "binutils"))
        return path


def redirect_to_test_files(argv, kernels, directory):
    """qemuc options that point what argv boots at files under `directory`: the kernel at the test
    kernel, the initrd and each drive at a new file, each user forward at a free loopback port."""
    target = target_of(argv)
    kernel = os.path.join(directory, "kernel-" + target)
    shutil.copyfile(kernels.path(target), kernel)
    options = ["--set", "qemu.kernel=" + yaml_string(kernel)]
    if "-initrd" in argv:
        initrd = os.path.join(directory, "initrd")
        with open(initrd, "wb") as f:
            f.write(b"qemuc test initrd\n")
        options += ["--set", "qemu.initrd=" + yaml_string(initrd)]
    for number, (drive, file) in enumerate(sorted(drives_of(argv).items())):
        # Keep the file's own name: a name with `,` or a space still goes through qemuc's escaping.
        folder = os.path.join(directory, "drive%d" % number)
        os.mkdir(folder)
        image = os.path.join(folder, os.path.basename(file) or "disk.img")
        with open(image, "wb") as f:
            f.truncate(1 << 20)
        options += ["--set", "qemu.drives[%s].file=%s" % (drive, yaml_string(image))]
    for network, guest in forwards_of(argv):
        forward = "qemu.networks[%s].user.forwards[%d]" % (network, guest)
        options += ["--set", "%s.host=%d" % (forward, free_loopback_port()),
                    "--set", forward + ".host_address=127.0.0.1"]
    return options


def yaml_string(text):
    """`text` as a YAML scalar for --set: a JSON string is a YAML double-quoted scalar."""
    return json.dumps(text)


# --- Processes ----------------------------------------------------------------------------------

class Processes:
    """Starts processes that cannot outlive the test.

    Each runs in a session of its own, and everything in that session is killed when the `with`
    block ends, also on a failure or SIGTERM. Each also gets SIGKILL as its parent-death signal
    (setpriv, kept across exec), for the case where the test itself is killed. On leaving, a check
    fails if any process of those sessions is still there.
    """

    def __init__(self, report):
        self.report = report
        self.started = []

    def __enter__(self):
        return self

    def start(self, argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        process = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", "--"] + list(argv),
                                   start_new_session=True, **kwargs)
        self.started.append(process)
        return process

    def start_logged(self, argv, log_prefix, **kwargs):
        """Starts argv with stdout in the file log_prefix + ".stdout" (to read while it runs)
        and stderr in log_prefix + ".stderr"."""
        with open(log_prefix + ".stdout", "wb") as stdout, open(log_prefix + ".stderr", "wb") as stderr:
            return self.start(argv, stdout=stdout, stderr=stderr, **kwargs)

    def run(self, argv, timeout=30, **kwargs):
        """Runs argv to its end; returns (status, stdout, stderr) as bytes."""
        process = self.start(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_session(process)
            stdout, stderr = process.communicate()
            raise Failure("still running after %d s: %s\nstdout: %r\nstderr: %r"
                          % (timeout, " ".join(argv), stdout[-2000:], stderr[-2000:]))
        return process.returncode, stdout, stderr

    def __exit__(self, *exception):
        for process in self.started:
            kill_session(process)
        left = [pid for process in self.started for pid in session_members(process.pid)]
        if left:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.report.fail("no process left behind", "still running: %s" % describe(left))
        return False


def kill_session(process):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def session_members(session, patience=1.0):
    """The live processes of a session, given a moment to vanish after SIGKILL."""
    deadline = time.monotonic() + patience
    while True:
        members = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    with open("/proc/%s/stat" % entry) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[3]) == session and fields[0] != "Z":  # state ppid pgrp session
                        members.append(int(entry))
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


def wait_for_output(path, process, marker, timeout=20):
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
    program = shutil.which(QEMU_PROGRAMS[target])
    if program is None:
        skip("%s is not installed (scripts/setup --test installs %s)"
             % (QEMU_PROGRAMS[target], DEBIAN_PACKAGES[target]))
    return program


def kvm_problem(target, report):
    """Why a KVM guest of `target` cannot run here, or None if it can."""
    host = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine(), platform.machine())
    if host != target:
        return "KVM runs guests of the host's own architecture only (this host is %s)" % host
    if not os.path.exists("/dev/kvm"):
        return "this machine has no /dev/kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not readable and writable by this user"
    # Every KVM profile gets `-enable-kvm -cpu host` (SPEC §5, the seed): try exactly that alone.
    machine = "q35" if target == "x86_64" else "virt,gic_version=host"
    with tempfile.TemporaryDirectory(prefix="qemuc-kvm-probe-") as directory, Processes(report) as processes:
        socket_path = os.path.join(directory, "qmp")
        process = processes.start([qemu_program(target), "-machine", machine, "-enable-kvm",
                                   "-cpu", "host", "-display", "none", "-S", "-qmp",
                                   "unix:%s,server=on,wait=off" % socket_path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            with Qmp(socket_path, process) as qmp:
                qmp.command("query-status")
            return None
        except Failure:
            kill_session(process)
            message = process.stderr.read().decode(errors="replace").strip().splitlines()
            return ("/dev/kvm is there, but QEMU cannot run `-enable-kvm -cpu host` on it: %s"
                    % (message[0] if message else "no message"))


class Qmp:
    """A QMP client on a unix socket: the greeting, qmp_capabilities, then commands."""

    def __init__(self, path, process, timeout=10, stderr_path=None):
        """Connects to QEMU `process` at `path`; a failure shows the file stderr_path, if given."""
        try:
            self._connect(path, process, timeout)
        except Failure as failure:
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


# --- What the test kernels print ----------------------------------------------------------------

def x86_cmdline(stdout):
    """The multiboot command line the x86_64 test kernel printed, as bytes."""
    up = stdout.find(X86_UP)
    if up < 0:
        raise Failure("the x86_64 test kernel did not start; stdout: %r" % stdout[-2000:])
    start = stdout.find(X86_CMDLINE, up)
    end = stdout.find(b"\nqemuc-test-kernel: ", start)
    if start < 0 or end < 0:
        raise Failure("no complete cmdline line; stdout: %r" % stdout[-2000:])
    return stdout[start + len(X86_CMDLINE):end]


def check_boot(report, what, target, status, stdout, stderr, expected_cmdline=None):
    """The test kernel ran to its end: its lines on stdout, and the exit status they promise.
    For x86_64, also the command line, compared byte for byte when expected_cmdline is given."""
    seen = "status %d\nstdout: %r\nstderr: %s" % (status, stdout[-1500:],
                                                    stderr[-1500:].decode(errors="replace"))
    if target == "x86_64":
        ok = status == X86_EXIT_STATUS and X86_UP in stdout and X86_EXIT in stdout
        report.check(ok, "%s: the x86_64 kernel ran, exit status %d" % (what, X86_EXIT_STATUS), seen)
        if ok and expected_cmdline is not None:
            cmdline = x86_cmdline(stdout)
            report.check(cmdline == expected_cmdline, "%s: the guest's command line, byte for byte" % what,
                         "want %r\ngot  %r" % (expected_cmdline, cmdline))
    else:
        ok = status == ARM_EXIT_STATUS and ARM_UP in stdout and ARM_POWER_OFF in stdout
        report.check(ok, "%s: the aarch64 kernel ran, exit status %d" % (what, ARM_EXIT_STATUS), seen)


def multiboot_cmdline(argv):
    """What QEMU's multiboot loader hands the kernel: the kernel's path, a space, -append."""
    appended = options_of(argv, "-append")
    return (options_of(argv, "-kernel")[-1] + " " + (appended[-1] if appended else "")).encode()


# --- The network --------------------------------------------------------------------------------

def free_loopback_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts_tcp(address, port):
    """Whether a TCP connection to address:port (a loopback address) is accepted."""
    assert address.startswith("127."), "tests connect only to loopback addresses"
    try:
        with socket.create_connection((address, port), timeout=3):
            return True
    except (ConnectionRefusedError, socket.timeout):
        return False


@contextlib.contextmanager
def network_namespace(tap_names):
    """A network namespace of the test's own with the given tap interfaces, up; deleted on exit.
    Skips where the machine does not let the test create one."""
    ip = shutil.which("ip")
    if ip is None:
        skip("`ip` is not installed (scripts/setup --test installs iproute2)")
    name = "qemuc-e2e-%d" % os.getpid()
    created = subprocess.run([ip, "netns", "add", name], capture_output=True, text=True)
    if created.returncode != 0:
        skip("cannot create a network namespace here: " + created.stderr.strip())
    try:
        for tap in tap_names:
            for command in (["tuntap", "add", "dev", tap, "mode", "tap"], ["link", "set", tap, "up"]):
                result = subprocess.run([ip, "-n", name] + command, capture_output=True, text=True)
                if result.returncode != 0:
                    skip("cannot create tap %s in a network namespace here: %s"
                         % (tap, result.stderr.strip()))
        yield name
    finally:
        subprocess.run([ip, "netns", "delete", name], capture_output=True)


def in_namespace(namespace, argv):
    return ["ip", "netns", "exec", namespace] + list(argv) if namespace else list(argv)


def link_flags(namespace, interface):
    """The flags `ip link` shows for an interface in the namespace, e.g. {"UP", "LOWER_UP"}."""
    shown = subprocess.run(["ip", "-n", namespace, "-o", "link", "show", interface],
                           capture_output=True, text=True, check=True).stdout
    return set(shown.split("<", 1)[1].split(">", 1)[0].split(","))
