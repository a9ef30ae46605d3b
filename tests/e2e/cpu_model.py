#!/usr/bin/env python3
"""`qemu.cpu` boots every test kernel, and QEMU runs the model the profile names.

usage: cpu_model.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

For each target, a profile with `cpu: max` (riscv64: `cpu: sifive-u54`, as QEMU 7.2 has no max
model there) compiles to an argv with that one -cpu in place of the target's own model (SPEC §9),
boots the test kernel (its lines, exit status and command line), and, started held (-S) with a
QMP socket, QEMU reports that its CPU is of that model's type (query-cpus-fast, then qom-get of
the CPU's type). Where KVM works for the target, the same profile with `kvm: true` boots too:
`-cpu max -enable-kvm`, the override that nested KVM needs (`-cpu host` aborts there).
"""

import os
import tempfile

import fixtures
import harness
import test_kernels

CMDLINE = ["console=ttyS0", "cpu=override"]
# The model each target's profile names, not the target's own, and what QOM calls its type.
# QEMU 7.2's riscv64 has no max; its `any` has no S-mode, where OpenSBI starts the kernel.
MODELS = {"x86_64": ("max", "max-x86_64-cpu"), "aarch64": ("max", "max-arm-cpu"),
          "riscv64": ("sifive-u54", "sifive-u54-riscv-cpu")}


def profile(directory, target, kernel, kvm):
    path = os.path.join(directory, "%s-cpu%s.yaml" % (target, "-kvm" if kvm else ""))
    lines = ["  cpu: " + MODELS[target][0]] + (["  kvm: true"] if kvm else [])
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=CMDLINE, target=target)
    return path


def check_argv(report, target, argv, kvm):
    models = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "-cpu"]
    model = MODELS[target][0]
    report.check(models == [model], "%s: one -cpu, and it is %s" % (target, model), "argv: %r" % argv)
    report.check(("-enable-kvm" in argv) == kvm,
                 "%s: -enable-kvm %s" % (target, "kept" if kvm else "absent"), "argv: %r" % argv)


def check_boot(report, what, target, kernel, argv, processes):
    status, stdout, stderr = processes.run(argv)
    expected = test_kernels.expected_cmdline(target, kernel, CMDLINE)
    test_kernels.check_boot(report, what, target, status, stdout, stderr, expected)


def check_cpu_type(report, target, argv, directory, processes):
    """Holds the guest before its first instruction and asks QEMU which CPU type it made."""
    socket_path = os.path.join(directory, "qmp-%s" % target)
    process = harness.start_held(processes, argv, socket_path)
    with harness.Qmp(socket_path, process) as qmp:
        cpus = qmp.command("query-cpus-fast")
        types = [qmp.command("qom-get", path=cpu["qom-path"], property="type") for cpu in cpus]
        qmp.command("quit")
    process.wait(10)
    report.check(types == [MODELS[target][1]], "%s: QEMU runs one CPU of type %s"
                 % (target, MODELS[target][1]), "types: %r" % types)


def test(args, report):
    qemuc = os.path.abspath(args[0])
    kernels = fixtures.Kernels(*args[1:])
    bootable = kernels.bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-cpu-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            model = MODELS[target][0]
            with report.section("%s: cpu: %s under TCG" % (target, model)):
                argv = harness.compile_argv(qemuc, [profile(directory, target, kernel, False)])
                check_argv(report, target, argv, False)
                check_boot(report, "%s, cpu: %s" % (target, model), target, kernel, argv, processes)
                check_cpu_type(report, target, argv, directory, processes)
            with report.section("%s: cpu: %s under KVM" % (target, model)):
                problem = harness.kvm_problem(target, model)
                if problem:
                    report.skip_part("%s under KVM" % target, problem)
                    continue
                argv = harness.compile_argv(qemuc, [profile(directory, target, kernel, True)])
                check_argv(report, target, argv, True)
                check_boot(report, "%s, cpu: %s, kvm: true" % (target, model), target, kernel, argv,
                           processes)


if __name__ == "__main__":
    harness.main(test)
