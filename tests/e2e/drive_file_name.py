#!/usr/bin/env python3
"""A drive whose file name holds a comma and a space is attached as exactly that file.

usage: drive_file_name.py QEMUC X86_KERNEL

QEMU reads `-drive` as comma-separated suboptions, where `,,` is a literal comma: a name qemuc
did not double would open another file, or add a suboption. The profile (written by the test) has
two drives in a directory whose name also holds both: `disk a,b.img`, and `x,readonly=on.img`,
whose name would make the drive read-only if the comma went through. A `-qmp` socket comes from
`qemu.extra_args`; the launch script runs with `-S` as an extra argument (passed on by its "$@"),
and QMP `query-block` must show each drive with its exact file name, writable.
"""

import os
import tempfile

import fixtures
import harness

DIRECTORY_NAME = "images, one"
DRIVES = {"disk0": "disk a,b.img", "disk1": "x,readonly=on.img"}


def qemu_lines(images, qmp_socket):
    lines = ["  drives:"]
    for drive, name in DRIVES.items():
        lines += ["    - id: " + drive, "      file: " + fixtures.yaml_string(os.path.join(images, name))]
    # extra_args reach QEMU as written: qmp_argv() doubles any comma in the socket's path itself.
    return lines + ["  extra_args: [%s]" % ", ".join(map(fixtures.yaml_string, harness.qmp_argv(qmp_socket)))]


def test(args, report):
    qemuc, x86_kernel = args
    kernel = fixtures.Kernels(x86_kernel).require("x86_64")
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-drive-") as directory:
        images = os.path.join(directory, DIRECTORY_NAME)
        os.mkdir(images)
        for name in DRIVES.values():
            with open(os.path.join(images, name), "wb") as f:
                f.truncate(1 << 20)
        qmp_socket = os.path.join(directory, "qmp.sock")
        profile = os.path.join(directory, "drive-file-name.yaml")
        fixtures.write_profile(profile, kernel, qemu_lines(images, qmp_socket))
        script = os.path.join(directory, "launch.sh")
        harness.run_qemuc(qemuc, ["compile", "-o", script, profile])

        with harness.Processes(report) as processes:
            qemu = processes.start_logged([script, "-S"], os.path.join(directory, "qemu"))
            with harness.Qmp(qmp_socket, qemu, stderr_path=os.path.join(directory, "qemu.stderr")) as qmp:
                status = qmp.command("query-status")["status"]
                report.check(status == "prelaunch", "the launch script passed -S on: QEMU waits, "
                             "status %r" % status)
                blocks = {block["device"]: block for block in qmp.command("query-block")}
            for drive, name in DRIVES.items():
                inserted = blocks.get(drive, {}).get("inserted", {})
                expected = os.path.join(images, name)
                report.check(inserted.get("file") == expected,
                             "drive %s is the file %r" % (drive, expected), "query-block: %r" % blocks.get(drive))
                report.check(inserted.get("ro") is False, "drive %s is writable" % drive,
                             "query-block: %r" % blocks.get(drive))


if __name__ == "__main__":
    harness.main(test)
