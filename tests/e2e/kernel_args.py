#!/usr/bin/env python3
"""Kernel arguments with spaces, quotes, `$`, `%`, `,` and non-ASCII reach the guest byte for byte.

usage: kernel_args.py QEMUC X86_KERNEL

A profile written by the test puts hostile entries in `cmdline`, and more hostile arguments follow
`--` on the command line. The x86_64 test kernel prints the multiboot command line, which is the
kernel's path, a space, and -append's value: it must be exactly the entries and arguments joined by
spaces. Checked through the launch script under every installed POSIX shell, and through the
JSON argv executed directly.
"""

import os
import shutil
import tempfile

import harness

# (as written in the profile, as the guest must see it). A profile value interpolates `${`, and
# `$${` is a literal `${`: the one place where the two differ.
CMDLINE_ENTRIES = [
    ("console=ttyS0", "console=ttyS0"),
    ('say="hello world"', 'say="hello world"'),
    ("it's", "it's"),
    ("cost=$HOME%PATH%$1%n", "cost=$HOME%PATH%$1%n"),
    ("literal=$${HOME}", "literal=${HOME}"),
    ("list=a,b,,c", "list=a,b,,c"),
    ("quotes='single' \"double\" `back`", "quotes='single' \"double\" `back`"),
    ("back\\slash=\\n", "back\\slash=\\n"),
    ("π=3.14159", "π=3.14159"),
]
# After `--`: passed as they are, one argv element each.
EXTRA_ARGUMENTS = ["two words", "$(reboot)", "${HOME}", "'", '"', "a,b", "100%", "*", "-", "é"]

SHELLS = [["dash"], ["bash"], ["mksh"], ["busybox", "sh"], ["posh"]]


def write_profile(path, kernel):
    lines = ["# Written by tests/e2e/kernel_args.py.", "name: kernel-args", "qemu:",
             "  target: x86_64", "  memory: 256", "  kernel: " + harness.yaml_string(kernel), "cmdline:"]
    lines += ["  - " + harness.yaml_string(written) for written, _ in CMDLINE_ENTRIES]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def test(args, report):
    qemuc, x86_kernel = args
    kernel = harness.Kernels(x86_kernel, "").path("x86_64")
    harness.qemu_program("x86_64")
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-kernel-args-") as directory:
        profile = os.path.join(directory, "kernel-args.yaml")
        write_profile(profile, kernel)
        options = [profile, "--"] + EXTRA_ARGUMENTS
        argv = harness.compile_argv(qemuc, options)
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script] + options)

        appended = " ".join([seen for _, seen in CMDLINE_ENTRIES] + EXTRA_ARGUMENTS)
        expected = (kernel + " " + appended).encode()
        with harness.Processes(report) as processes:
            for shell in SHELLS:
                if shutil.which(shell[0]) is None:
                    report.skip_part(" ".join(shell), "not installed (scripts/setup --test installs it)")
                    continue
                status, stdout, stderr = processes.run(shell + [script])
                harness.check_boot(report, "launch script under " + " ".join(shell), "x86_64", status,
                                   stdout, stderr, expected)
            status, stdout, stderr = processes.run(argv)
            harness.check_boot(report, "JSON argv executed", "x86_64", status, stdout, stderr, expected)


if __name__ == "__main__":
    harness.main(test)
