"""What a profile needs to boot here: the test kernels, files for its initrd and drives, free
host ports for its forwards, and small profiles written by the tests."""

import json
import os
import shutil
import socket
import sys

import harness
import qemu_argv

# The Debian package with the assembler and linker of each test kernel (tests/e2e/meson.build).
KERNEL_PACKAGES = {"x86_64": "binutils-x86-64-linux-gnu", "aarch64": "binutils-aarch64-linux-gnu",
                   "riscv64": "binutils-riscv64-linux-gnu"}


class Kernels:
    """The test kernels meson built; an empty path means not built (no assembler), None that the
    test was not given it (a test for one target)."""

    def __init__(self, x86_64, aarch64=None, riscv64=None):
        self.paths = {target: os.path.abspath(path) if path else path
                      for target, path in (("x86_64", x86_64), ("aarch64", aarch64), ("riscv64", riscv64))}

    def problem(self, target):
        """Why the kernel of `target` cannot boot here (no QEMU for it, or not built), or None."""
        try:
            harness.qemu_program(target)
        except harness.Skip as reason:
            return str(reason)
        path = self.paths[target]
        if not path or not os.path.isfile(path):
            return ("the %s test kernel was not built (scripts/setup --test installs %s)"
                    % (target, KERNEL_PACKAGES[target]))
        return None

    def bootable(self, report):
        """[(target, kernel path)] for each target whose QEMU and kernel are here; each other
        target is reported as a skipped part, and the test is skipped when none is left."""
        found = []
        for target in self.paths:
            # A test that runs per target takes every kernel meson builds (all_kernel_args): one
            # that forgot one would pass while never booting that target.
            if self.paths[target] is None:
                raise harness.Failure("this test was not given the %s kernel: pass all_kernel_args" % target)
            problem = self.problem(target)
            if problem:
                report.skip_part(target, problem)
            else:
                found.append((target, self.paths[target]))
        if not found:
            harness.skip("no target has both its QEMU and its kernel here")
        return found

    def require(self, target):
        """The kernel's path, once it and the QEMU of its target are there; else skip."""
        problem = self.problem(target)
        if problem:
            harness.skip(problem)
        return self.paths[target]


def test_file_options(argv, kernels, directory):
    """qemuc --set options that point what argv boots at files made under `directory`: the kernel
    at a copy of the test kernel, the initrd and each drive at a new file, and the serial log, QMP
    socket and shares there too (made_file_options)."""
    target = harness.target_of(argv)
    kernel = kernel_copy(directory, target)
    shutil.copyfile(kernels.require(target), kernel)
    options = ["--set", "qemu.kernel=" + yaml_string(kernel)]
    if "-initrd" in argv:
        initrd = os.path.join(directory, "initrd")
        with open(initrd, "wb") as f:
            f.write(b"qemuc test initrd\n")
        options += ["--set", "qemu.initrd=" + yaml_string(initrd)]
    for number, (drive, file) in enumerate(sorted(qemu_argv.drives_of(argv).items())):
        # Keep the file's own name: a name with `,` or a space still goes through qemuc's escaping.
        folder = os.path.join(directory, "drive%d" % number)
        os.mkdir(folder)
        image = os.path.join(folder, os.path.basename(file) or "disk.img")
        with open(image, "wb") as f:
            f.truncate(1 << 20)
        options += ["--set", "qemu.drives[%s].file=%s" % (drive, yaml_string(image))]
    return options + made_file_options(argv, directory)


def made_file_options(argv, directory):
    """qemuc --set options that move what QEMU makes or writes under `directory`: the serial log,
    the profile's QMP socket (the argv compiled from a profile has no other), and each share, to a
    new directory (a share keeps its name)."""
    options = []
    if qemu_argv.serial_log_of(argv) is not None:
        options += ["--set", "qemu.serial_log=" + yaml_string(os.path.join(directory, "serial.log"))]
    if qemu_argv.qmp_sockets_of(argv):
        options += ["--set", "qemu.qmp=" + yaml_string(os.path.join(directory, "profile.qmp"))]
    for number, (tag, (path, _)) in enumerate(sorted(qemu_argv.shares_of(argv).items())):
        share = os.path.join(directory, "share%d" % number, os.path.basename(path.rstrip("/")) or "share")
        os.makedirs(share)
        options += ["--set", "qemu.shares[%s].path=%s" % (tag, yaml_string(share))]
    return options


def kernel_copy(directory, target):
    """Where test_file_options() puts the test kernel."""
    return os.path.join(directory, "kernel-" + target)


def free_port_options(argv):
    """qemuc --set options that move each forward of argv to a host port that is free now, for its
    protocol and address: the ports a profile names may be taken on this machine."""
    options = []
    for forward in qemu_argv.forwards_of(argv):
        path = "qemu.networks[%s].user.forwards[%d].host" % (forward.network, forward.guest_port)
        options += ["--set", "%s=%d" % (path, free_port(forward.protocol, forward.host_address))]
    return options


def free_port(protocol="tcp", address=""):
    """A port the kernel gives out as free for `protocol` on `address` ("" for every address)."""
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((address or "0.0.0.0", 0))
        return s.getsockname()[1]


def yaml_string(text):
    """`text` as a YAML scalar (for a profile or --set): a JSON string is a YAML double-quoted one.
    ensure_ascii=False keeps non-ASCII raw: yaml-cpp does not join the \\ud83d\\ude00 surrogate
    pairs that ensure_ascii=True writes for a character beyond U+FFFF."""
    return json.dumps(text, ensure_ascii=False)


def write_profile(path, kernel, qemu_lines=(), cmdline=(), target="x86_64"):
    """Writes a small profile that boots `kernel` on `target`, named after its file. `qemu_lines`
    go under `qemu:` as written (indented by two spaces); the `cmdline` entries are quoted."""
    lines = ["# Written by tests/e2e/%s." % os.path.basename(sys.argv[0]),
             "name: " + os.path.splitext(os.path.basename(path))[0],
             "qemu:", "  target: " + target, "  memory: 256", "  kernel: " + yaml_string(kernel)]
    lines += qemu_lines
    if cmdline:
        lines += ["cmdline:"] + ["  - " + yaml_string(entry) for entry in cmdline]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
