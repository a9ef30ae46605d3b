#!/usr/bin/env python3
"""Kernel arguments with spaces, quotes, `$`, `%`, `,` and non-ASCII reach the guest byte for byte.

usage: kernel_args.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

For each target, a profile written by the test puts hostile entries in `cmdline`, and more
hostile arguments follow `--` on the command line. The test kernel prints the command line it
got (x86_64: the multiboot command line, which is the kernel's path, a space and -append;
aarch64 and riscv64: the device tree's bootargs, which is -append): it must be exactly the entries and
arguments joined by spaces. Checked through the launch script under every installed POSIX shell,
and through the JSON argv executed directly. Command substitutions among the arguments would
create a file next to the script if a shell ran them: it must not exist afterwards.
"""

import os
import shutil
import tempfile

import fixtures
import harness
import test_kernels

# (as written in the profile, as the guest must see it). A profile value interpolates `${`, and
# `$${` is a literal `${`: the one place where the two differ.
CMDLINE_ENTRIES = [
    ("console=ttyS0", "console=ttyS0"),
    ('say="hello world"', 'say="hello world"'),
    ("it's", "it's"),
    ("cost=$HOME%PATH%$1%n", "cost=$HOME%PATH%$1%n"),
    ("literal=$${HOME}", "literal=${HOME}"),
    ("list=a,b,,c", "list=a,b,,c"),
    ("quotes='single' \"double\" `touch injected`", "quotes='single' \"double\" `touch injected`"),
    ("back\\slash=\\n", "back\\slash=\\n"),
    ("π=3.14159", "π=3.14159"),
]
# After `--`: passed as they are, one argv element each.
EXTRA_ARGUMENTS = ["two words", "$(touch injected)", "${HOME}", "'", '"', "a,b", "100%", "*", "-", "é"]
INJECTED = "injected"  # what those substitutions would create in the script's directory

SHELLS = [["dash"], ["bash"], ["mksh"], ["busybox", "sh"], ["posh"]]


def check_target(report, qemuc, target, kernel, directory):
    profile = os.path.join(directory, "kernel-args-%s.yaml" % target)
    fixtures.write_profile(profile, kernel, cmdline=[written for written, _ in CMDLINE_ENTRIES], target=target)
    options = [profile, "--"] + EXTRA_ARGUMENTS
    argv = harness.compile_argv(qemuc, options)
    script = os.path.join(directory, "launch-%s.sh" % target)
    harness.run_qemuc(qemuc, ["compile", "-o", script] + options)

    expected = test_kernels.expected_cmdline(target, kernel, [seen for _, seen in CMDLINE_ENTRIES] + EXTRA_ARGUMENTS)
    with harness.Processes(report) as processes:
        for shell in SHELLS:
            if shutil.which(shell[0]) is None:
                report.skip_part(" ".join(shell), "not installed (scripts/setup --test installs it)")
                continue
            status, stdout, stderr = processes.run(shell + [script], cwd=directory)
            what = "%s, launch script under %s" % (target, " ".join(shell))
            test_kernels.check_boot(report, what, target, status, stdout, stderr, expected)
        status, stdout, stderr = processes.run(argv, cwd=directory)
        test_kernels.check_boot(report, "%s, JSON argv executed" % target, target, status, stdout, stderr, expected)


def test(args, report):
    qemuc = args[0]
    kernels = fixtures.Kernels(*args[1:])
    bootable = kernels.bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-kernel-args-") as directory:
        for target, kernel in bootable:
            check_target(report, qemuc, target, kernel, directory)
        report.check(not os.path.exists(os.path.join(directory, INJECTED)), "no shell ran a command substitution")


if __name__ == "__main__":
    harness.main(test)
