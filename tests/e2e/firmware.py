#!/usr/bin/env python3
"""`qemu.firmware` (bios, uefi, dtb) under real QEMU, on every target that boots here (SPEC §9).

usage: firmware.py QEMUC X86_KERNEL ARM_KERNEL RISCV_KERNEL

- bios: a copy of the target's firmware (SeaBIOS, the EDK2 image of qemu-efi-aarch64, OpenSBI)
  in a directory and file whose names hold a space and a comma. Started held (-S), QEMU's memory
  where the machine maps its firmware holds the copy's bytes (QMP pmemsave): x86_64 maps the
  image's end at the top of 4 GiB, aarch64's virt its start at 0 (flash), riscv64's virt at
  0x80000000. On x86_64 the test kernel also boots through the copy (multiboot via SeaBIOS).
- uefi: Debian's code image and a copy of its variable store (in a directory with a space and a
  comma): QMP query-block shows pflash0 read-only on the code file and pflash1 writable on the
  copy.
- dtb: the target's device tree, dumped by QEMU (-machine dumpdtb) from the profile's own argv
  with the command line `qemuc-dtb-marker`, is given back as `firmware.dtb` to a profile without
  cmdline: QEMU keeps the tree's /chosen/bootargs when -append is empty, so the test kernel prints
  the marker as its command line (a proof the guest itself sees).
"""

import os
import shutil
import struct
import tempfile

import fixtures
import harness
import test_kernels

# An awkward directory: -bios and -dtb take raw file names, the pflash file= values doubled commas.
AWKWARD = "fw dir, one"


class Bios:
    """A target's firmware image (Debian's), and where its machine maps it."""

    def __init__(self, path, package, address):
        self.path, self.package = path, package
        self.address = address  # of the image's first byte, given its size

    def problem(self):
        if os.path.isfile(self.path):
            return None
        return "no %s (scripts/setup --test installs %s)" % (self.path, self.package)


BIOS = {
    "x86_64": Bios("/usr/share/seabios/bios-256k.bin", "seabios", lambda size: (1 << 32) - size),
    "aarch64": Bios("/usr/share/qemu-efi-aarch64/QEMU_EFI.fd", "qemu-efi-aarch64", lambda size: 0),
    "riscv64": Bios("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin", "qemu-system-data",
                    lambda size: 0x80000000),
}
# UEFI code and variable store images, with their package.
UEFI = {
    "x86_64": ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf"),
    "aarch64": ("/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd", "qemu-efi-aarch64"),
}
DTB_MARKER = "qemuc-dtb-marker"
COMPARED = 1 << 16  # bytes of an image compared with memory: enough to tell it from another


def compile_profile(qemuc, path, kernel, target, lines, cmdline=()):
    fixtures.write_profile(path, kernel, qemu_lines=lines, cmdline=cmdline, target=target)
    return harness.compile_argv(qemuc, [path])


def copy_into(directory, source, name):
    folder = os.path.join(directory, AWKWARD)
    os.makedirs(folder, exist_ok=True)
    copy = os.path.join(folder, name)
    shutil.copyfile(source, copy)
    return copy


def start_held(processes, argv, directory, name):
    """QEMU on argv, held before the guest runs, with a QMP socket; returns (process, socket)."""
    socket_path = os.path.join(directory, name + ".qmp")
    return harness.start_held(processes, argv, socket_path, os.path.join(directory, name)), socket_path


def memory(qmp, directory, address, size):
    """`size` bytes of guest physical memory at `address`, as QEMU reads them (pmemsave)."""
    dump = os.path.join(directory, "memory.bin")
    qmp.command("pmemsave", val=address, size=size, filename=dump)
    with open(dump, "rb") as f:
        return f.read()


def check_bios(report, qemuc, directory, processes, target, kernel):
    bios = BIOS.get(target)
    problem = bios.problem() if bios else "no firmware image known for " + target
    if problem:
        report.skip_part("%s: bios" % target, problem)
        return
    copy = copy_into(directory, bios.path, "%s bios,copy.bin" % target)
    argv = compile_profile(qemuc, os.path.join(directory, target + "-bios.yaml"), kernel, target,
                           ["  firmware:", "    bios: " + fixtures.yaml_string(copy)], ["console=ttyS0"])
    report.check(argv[argv.index("-bios") + 1] == copy, "%s: -bios names the copy as it is" % target,
                 "argv: %r" % argv)
    if target == "x86_64":  # SeaBIOS boots the multiboot kernel as QEMU's own copy does
        status, stdout, stderr = processes.run(argv)
        test_kernels.check_boot(report, "x86_64 through the bios copy", target, status, stdout, stderr,
                                test_kernels.expected_cmdline(target, kernel, ["console=ttyS0"]))
    with open(copy, "rb") as f:
        image = f.read()
    address = bios.address(len(image))
    size = min(len(image), COMPARED)
    process, socket_path = start_held(processes, argv, directory, target + "-bios")
    with harness.Qmp(socket_path, process, stderr_path=os.path.join(directory, target + "-bios.stderr")) as qmp:
        seen = memory(qmp, directory, address, size)
        qmp.command("quit")
    report.check(seen == image[:size], "%s: memory at %#x holds the bios copy's first %d bytes"
                 % (target, address, size), "first bytes seen: %r" % seen[:32])


def check_uefi(report, qemuc, directory, processes, target, kernel):
    images = UEFI.get(target)
    if not images:
        report.skip_part("%s: uefi" % target, "no UEFI images known for " + target)
        return
    code, vars_image, package = images
    if not (os.path.isfile(code) and os.path.isfile(vars_image)):
        report.skip_part("%s: uefi" % target, "no %s (scripts/setup --test installs %s)" % (code, package))
        return
    vars_copy = copy_into(directory, vars_image, "%s VARS,copy.fd" % target)
    argv = compile_profile(qemuc, os.path.join(directory, target + "-uefi.yaml"), kernel, target,
                           ["  firmware:", "    uefi:", "      code: " + fixtures.yaml_string(code),
                            "      vars: " + fixtures.yaml_string(vars_copy)])
    process, socket_path = start_held(processes, argv, directory, target + "-uefi")
    with harness.Qmp(socket_path, process, stderr_path=os.path.join(directory, target + "-uefi.stderr")) as qmp:
        devices = harness.block_devices(qmp)
        qmp.command("quit")
    for unit, file, read_only in (("pflash0", code, True), ("pflash1", vars_copy, False)):
        inserted = devices.get(unit, {})
        report.check(inserted.get("file") == file and inserted.get("ro") == read_only,
                     "%s: %s is %s, on %s" % (target, unit, "read-only" if read_only else "writable", file),
                     "query-block: %r" % inserted)


def packed(tree):
    """The flattened device tree without the free space after its strings. QEMU reads a -dtb file
    into a buffer twice its size (and some), and for a bare ELF drops a tree that does not fit
    below the kernel: the aarch64 test kernel starts 1 MiB into RAM, and dumpdtb writes 1 MiB."""
    struct_offset, strings_offset = struct.unpack(">II", tree[8:16])
    strings_size, struct_size = struct.unpack(">II", tree[32:40])
    end = max(struct_offset + struct_size, strings_offset + strings_size)
    return tree[:4] + struct.pack(">I", end) + tree[8:end]


def check_dtb(report, qemuc, directory, processes, target, kernel):
    if target == "x86_64":
        return  # no device tree: qemuc refuses firmware.dtb there (rule-firmware-dtb-x86_64)
    argv = compile_profile(qemuc, os.path.join(directory, target + "-marker.yaml"), kernel, target, [],
                           [DTB_MARKER])
    dumped = os.path.join(directory, target + "-dumped.dtb")
    status, _, stderr = processes.run(argv + ["-machine", "dumpdtb=" + dumped.replace(",", ",,")])
    if status != 0 or not os.path.isfile(dumped):
        raise harness.Failure("dumpdtb: status %d: %s" % (status, stderr.decode(errors="replace")))
    with open(dumped, "rb") as f:
        tree = packed(f.read())
    dtb = os.path.join(directory, AWKWARD, "%s board,1.dtb" % target)
    os.makedirs(os.path.dirname(dtb), exist_ok=True)
    with open(dtb, "wb") as f:
        f.write(tree)
    argv = compile_profile(qemuc, os.path.join(directory, target + "-dtb.yaml"), kernel, target,
                           ["  firmware:", "    dtb: " + fixtures.yaml_string(dtb)])
    report.check(argv[argv.index("-dtb") + 1] == dtb and argv[-2:] == ["-append", ""],
                 "%s: -dtb names the tree as it is, and -append is empty" % target, "argv: %r" % argv)
    status, stdout, stderr = processes.run(argv)
    test_kernels.check_boot(report, "%s with firmware.dtb and no cmdline" % target, target, status, stdout,
                            stderr, DTB_MARKER.encode())


def test(args, report):
    qemuc = os.path.abspath(args[0])
    bootable = fixtures.Kernels(*args[1:]).bootable(report)
    with tempfile.TemporaryDirectory(prefix="qemuc-e2e-firmware-") as directory, \
            harness.Processes(report) as processes:
        for target, kernel in bootable:
            for part, check in (("bios", check_bios), ("uefi", check_uefi), ("dtb", check_dtb)):
                with report.section("%s: %s" % (target, part)):
                    check(report, qemuc, directory, processes, target, kernel)


if __name__ == "__main__":
    harness.main(test)
