"""What the test kernels (tests/e2e/kernels/*.s) print, and the checks of a boot."""

from harness import Failure, wait_for_output

# What the test kernels write (tests/e2e/kernels/*.s).
CMDLINE_LABEL = b"cmdline: "  # then the command line, then a newline (every kernel)
X86_UP = b"qemuc-test-kernel: x86_64 up\n"
X86_EXIT = b"qemuc-test-kernel: exit 42\n"
X86_HOLDING = b"qemuc-test-kernel: holding\n"
X86_EXIT_STATUS = (42 << 1) | 1  # isa-debug-exit turns the value v into the status (v << 1) | 1
X86_HOLD_WORD = "qemuc-test.hold"  # on the command line: print, then halt instead of exiting
                                   # (x86_64 and riscv64)
ARM_UP = b"qemuc-test-kernel: aarch64 up\n"
ARM_POWER_OFF = b"qemuc-test-kernel: power off\n"
ARM_EXIT_STATUS = 0  # PSCI SYSTEM_OFF
# With ARM_EXIT_WORD on its command line and QEMU's semihosting on (ARM_SEMIHOSTING_ARGS), the
# aarch64 kernel ends through semihosting SYS_EXIT instead: ARM_EXIT, then status 85.
ARM_EXIT_WORD = "qemuc-test.exit"
ARM_SEMIHOSTING_ARGS = ["-semihosting-config", "enable=on,target=native"]
ARM_EXIT = b"qemuc-test-kernel: exit 85\n"
ARM_SEMIHOSTING_EXIT_STATUS = 85
RISCV_UP = b"qemuc-test-kernel: riscv64 up\n"
RISCV_EXIT = b"qemuc-test-kernel: exit 42\n"
RISCV_EXIT_STATUS = 42  # the virt test device turns (v << 16) | 0x3333 into the status v

# target: (first line, last line before the exit, exit status)
KERNEL_LINES = {"x86_64": (X86_UP, X86_EXIT, X86_EXIT_STATUS),
                "aarch64": (ARM_UP, ARM_POWER_OFF, ARM_EXIT_STATUS),
                "riscv64": (RISCV_UP, RISCV_EXIT, RISCV_EXIT_STATUS)}


def printed_cmdline(stdout, target):
    """The command line the test kernel printed, as bytes."""
    up = stdout.find(KERNEL_LINES[target][0])
    start = stdout.find(CMDLINE_LABEL, up)
    end = stdout.find(b"\nqemuc-test-kernel: ", start)
    if up < 0 or start < 0 or end < 0:
        raise Failure("no complete cmdline line; stdout: %r" % stdout[-2000:])
    return stdout[start + len(CMDLINE_LABEL):end]


def check_boot(report, what, target, status, stdout, stderr, expected_cmdline, success_status=None):
    """The test kernel ran to its end: its lines on stdout, the exit status they promise, and
    the command line it was given, byte for byte (see expected_cmdline()). With success_status
    (what ran maps QEMU's status as qemu.success_status says) that status becomes 0."""
    first, last, exit_status = KERNEL_LINES[target]
    if success_status is not None and exit_status == success_status:
        exit_status = 0
    seen = "status %d\nstdout: %r\nstderr: %s" % (status, stdout[-1500:],
                                                    stderr[-1500:].decode(errors="replace"))
    ok = status == exit_status and first in stdout and last in stdout
    report.check(ok, "%s: the %s kernel ran, exit status %d" % (what, target, exit_status), seen)
    if ok:
        cmdline = printed_cmdline(stdout, target)
        report.check(cmdline == expected_cmdline, "%s: the guest's command line, byte for byte" % what,
                     "want %r\ngot  %r" % (expected_cmdline, cmdline))


def expected_cmdline(target, kernel, kernel_arguments):
    """What the test kernel prints as its command line, given the kernel arguments of the
    profile: x86_64's multiboot loader hands it its path, a space, then -append; the device tree
    of aarch64 and riscv64 has -append alone. -append holds the arguments joined by spaces."""
    appended = " ".join(kernel_arguments)
    return (kernel + " " + appended if target == "x86_64" else appended).encode()


def start_holding(processes, argv, log_prefix):
    """Starts argv (which boots the x86_64 or riscv64 kernel with X86_HOLD_WORD) through `processes` and
    returns it once the guest holds. Its output is in log_prefix + ".stdout" and ".stderr"."""
    process = processes.start_logged(argv, log_prefix)
    wait_for_output(log_prefix + ".stdout", process, X86_HOLDING)
    return process
