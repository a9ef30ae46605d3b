#!/usr/bin/env python3
"""With -Dstatic_link (the default where the .a files exist), qemuc is started by the kernel alone.

usage: static_link.py QEMUC

Fails when QEMUC's ELF program headers name a program interpreter (PT_INTERP): that is the
dynamic loader, whose symbol lookups and library mappings made a dynamically linked
`qemuc --version` cost 2.7 times /bin/true (bench/startup.py).
"""

import struct
import sys

PT_INTERP = 3


def program_interpreter(path):
    """The program interpreter that the ELF file at path asks for, or None when it is static."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        sys.exit(f"static_link: {path} is not an ELF file")
    wide = data[4] == 2  # ELFCLASS64
    order = "<" if data[5] == 1 else ">"  # ELFDATA2LSB
    if wide:
        phoff, = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    for index in range(phnum):
        header = phoff + index * phentsize
        kind, = struct.unpack_from(order + "I", data, header)
        if kind != PT_INTERP:
            continue
        if wide:
            offset, = struct.unpack_from(order + "Q", data, header + 8)
            size, = struct.unpack_from(order + "Q", data, header + 32)
        else:
            offset, = struct.unpack_from(order + "I", data, header + 4)
            size, = struct.unpack_from(order + "I", data, header + 16)
        return data[offset:offset + size].rstrip(b"\0").decode(errors="replace")
    return None


def main():
    qemuc = sys.argv[1]
    interpreter = program_interpreter(qemuc)
    if interpreter is not None:
        sys.exit(f"static_link: {qemuc} is dynamically linked (interpreter {interpreter}), "
                 "although meson chose -Dstatic_link")
    print(f"static_link: {qemuc} has no program interpreter")


if __name__ == "__main__":
    main()
