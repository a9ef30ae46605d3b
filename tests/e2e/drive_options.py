#!/usr/bin/env python3
"""Drive `format`, `readonly` and `snapshot` under real QEMU, on every target that boots here
(SPEC §9).

usage: drive_options.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

A profile with three drives in a directory whose name holds a space and a comma: `image` a qcow2
made by `qemu-img create -f qcow2`, `base` a raw file with `readonly: true`, `scratch` a raw file
with `snapshot: true`. It boots the test kernel; started held (-S), QMP query-block shows `image`
opened by the qcow2 driver on its file, `base` read-only on its file, and `scratch` a temporary
qcow2 overlay whose backing file is the drive's file. Writes through QEMU's block layer (HMP
qemu-io) reach the qcow2 (as `qemu-img convert` reads it), are refused on `base` ("Block node is
read-only"), and leave the files of `base` and `scratch` as they were.
"""

import os
import shutil
import subprocess
import tempfile

import fixtures
import harness
import test_kernels

SIZE = 1 << 20
PATTERN = 0x5a  # what qemu-io writes into the first 4 KiB of a drive


def make_images(directory):
    """The three drive files, in a directory with an awkward name; skips without qemu-img."""
    qemu_img = shutil.which("qemu-img")
    if qemu_img is None:
        harness.skip("qemu-img is not installed (scripts/setup --test installs qemu-utils)")
    folder = os.path.join(directory, "disks, one")
    os.mkdir(folder)
    files = {name: os.path.join(folder, name + suffix)
             for name, suffix in (("image", ",v1.qcow2"), ("base", " ro.img"), ("scratch", ".img"))}
    subprocess.run([qemu_img, "create", "-q", "-f", "qcow2", files["image"], str(SIZE)], check=True)
    for name in ("base", "scratch"):
        with open(files[name], "wb") as f:
            f.truncate(SIZE)
    return files


def compile_argv(qemuc, directory, target, kernel, files):
    path = os.path.join(directory, target + "-drives.yaml")
    lines = ["  drives:",
             "    - {id: image, file: %s, format: qcow2}" % fixtures.yaml_string(files["image"]),
             "    - {id: base, file: %s, readonly: true}" % fixtures.yaml_string(files["base"]),
             "    - {id: scratch, file: %s, snapshot: true}" % fixtures.yaml_string(files["scratch"])]
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=["console=ttyS0"], target=target)
    return harness.compile_argv(qemuc, [path])


def qemu_io(qmp, drive, command):
    """Runs HMP `qemu-io DRIVE COMMAND`: QEMU's block layer, as the guest's device uses it. What it
    refuses comes back over QMP; what it does, on QEMU's stdout."""
    return qmp.command("human-monitor-command", **{"command-line": 'qemu-io %s "%s"' % (drive, command)})


def first_block(qemu_img, image):
    """The first 4 KiB of the qcow2 image's content, as qemu-img reads it."""
    raw = image + ".raw"
    subprocess.run([qemu_img, "convert", "-f", "qcow2", "-O", "raw", image, raw], check=True)
    with open(raw, "rb") as f:
        return f.read(4096)


def check_held(report, target, argv, files, directory, processes):
    socket_path = os.path.join(directory, target + ".qmp")
    log = os.path.join(directory, target)
    process = harness.start_held(processes, argv, socket_path, log)
    with harness.Qmp(socket_path, process, stderr_path=log + ".stderr") as qmp:
        devices = harness.block_devices(qmp)
        write = "write -P %#x 0 4096" % PATTERN
        refused = {name: qemu_io(qmp, name, write) for name in ("image", "base", "scratch")}
        qmp.command("quit")
    process.wait(5)
    with open(log + ".stdout", "rb") as f:
        written = f.read().count(b"wrote 4096/4096 bytes at offset 0")
    image, base, scratch = devices.get("image", {}), devices.get("base", {}), devices.get("scratch", {})
    report.check(image.get("drv") == "qcow2" and image.get("file") == files["image"] and not image.get("ro"),
                 "%s: image is opened by the qcow2 driver, writable, on its file" % target, repr(image))
    report.check(base.get("drv") == "raw" and base.get("file") == files["base"] and base.get("ro") is True,
                 "%s: base is read-only, on its file" % target, repr(base))
    report.check(scratch.get("backing_file") == files["scratch"] and scratch.get("file") != files["scratch"]
                 and not scratch.get("ro"),
                 "%s: scratch writes to a temporary overlay backed by its file" % target, repr(scratch))
    report.check(refused == {"image": "", "base": "Block node is read-only\r\n", "scratch": ""}
                 and written == 2, "%s: writes go to image and scratch, base refuses them" % target,
                 "refused: %r, %d written" % (refused, written))
    report.check(first_block(shutil.which("qemu-img"), files["image"]) == bytes([PATTERN]) * 4096,
                 "%s: image holds what was written, as qemu-img reads it" % target)
    with open(files["scratch"], "rb") as f:
        report.check(f.read() == bytes(SIZE), "%s: scratch's file is unchanged after QEMU" % target)
    with open(files["base"], "rb") as f:
        report.check(f.read() == bytes(SIZE), "%s: base's file is unchanged after QEMU" % target)


def test(args, report):
    qemuc = os.path.abspath(args[0])
    bootable = fixtures.Kernels(*args[1:]).bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-drives-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            with report.section("%s: drive options" % target):
                target_directory = os.path.join(directory, target)
                os.mkdir(target_directory)
                files = make_images(target_directory)
                argv = compile_argv(qemuc, target_directory, target, kernel, files)
                status, stdout, stderr = processes.run(argv)
                test_kernels.check_boot(report, "%s with qcow2, readonly and snapshot drives" % target, target,
                                        status, stdout, stderr,
                                        test_kernels.expected_cmdline(target, kernel, ["console=ttyS0"]))
                check_held(report, target, argv, files, target_directory, processes)


if __name__ == "__main__":
    harness.main(test)
