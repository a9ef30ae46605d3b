#!/usr/bin/env python3
"""`qemu.rng` and `qemu.no_reboot` under real QEMU, on every target (SPEC §9).

usage: rng_no_reboot.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

A profile with `rng: true` and `no_reboot: true` boots the test kernel (its lines, exit status and
command line). Started held (-S) with a QMP socket, QEMU has a virtio-rng PCI device (vendor
0x1af4, device 0x1005 or 0x1044) fed by the object rng0 reading /dev/urandom, and a reset
(system_reset) ends it with status 0. The same profile without the two keys is the control: no
such device, and QEMU still runs after the reset.
"""

import os
import subprocess
import tempfile

import fixtures
import harness
import test_kernels

CMDLINE = ["console=ttyS0"]
VIRTIO_VENDOR = 0x1af4
VIRTIO_RNG_DEVICES = {0x1005, 0x1044}  # transitional, modern


def compile_argv(qemuc, directory, target, kernel, keys):
    path = os.path.join(directory, "%s-%s.yaml" % (target, "keys" if keys else "plain"))
    lines = ["  rng: true", "  no_reboot: true"] if keys else []
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=CMDLINE, target=target)
    return harness.compile_argv(qemuc, [path])


def rng_devices(qmp):
    devices = []
    for bus in qmp.command("query-pci"):
        for device in bus["devices"]:
            ids = (device["id"]["vendor"], device["id"]["device"])
            if ids[0] == VIRTIO_VENDOR and ids[1] in VIRTIO_RNG_DEVICES:
                devices.append(device)
    return devices


def check_held(report, target, argv, directory, processes, keys):
    """QEMU's devices and its answer to a reset, with the guest held before it runs."""
    socket_path = os.path.join(directory, "qmp-%s-%d" % (target, keys))
    process = harness.start_held(processes, argv, socket_path)
    what = "%s %s" % (target, "with rng and no_reboot" if keys else "without them")
    with harness.Qmp(socket_path, process) as qmp:
        devices = rng_devices(qmp)
        report.check(len(devices) == (1 if keys else 0),
                     "%s: %d virtio-rng device(s)" % (what, 1 if keys else 0), "found: %r" % devices)
        if keys:
            source = qmp.command("qom-get", path="/objects/rng0", property="filename")
            report.check(source == "/dev/urandom", "%s: rng0 reads /dev/urandom" % what, source)
        qmp.command("system_reset")
        try:
            status = process.wait(5 if keys else 1)  # with -no-reboot it ends at once
        except subprocess.TimeoutExpired:
            status = None
        if keys:
            report.check(status == 0, "%s: a reset ends QEMU, status 0" % what, "status %r" % status)
        else:
            report.check(status is None and qmp.command("query-status")["status"] == "prelaunch",
                         "%s: QEMU runs on after a reset" % what, "status %r" % status)
            qmp.command("quit")


def test(args, report):
    qemuc = os.path.abspath(args[0])
    kernels = fixtures.Kernels(*args[1:])
    bootable = kernels.bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-rng-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            with report.section("%s: rng and no_reboot" % target):
                argv = compile_argv(qemuc, directory, target, kernel, True)
                status, stdout, stderr = processes.run(argv)
                expected = test_kernels.expected_cmdline(target, kernel, CMDLINE)
                test_kernels.check_boot(report, "%s, rng and no_reboot" % target, target, status,
                                        stdout, stderr, expected)
                check_held(report, target, argv, directory, processes, True)
                check_held(report, target, compile_argv(qemuc, directory, target, kernel, False),
                           directory, processes, False)


if __name__ == "__main__":
    harness.main(test)
