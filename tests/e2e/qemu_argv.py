"""Reading a QEMU argv the way QEMU reads it: options, comma-separated suboptions, and what they
say about the machine (target, drives, forwards, taps, KVM)."""

import collections
import os

# The QEMU program of each target, as the seed names it in argv[0].
QEMU_PROGRAMS = {"x86_64": "qemu-system-x86_64", "aarch64": "qemu-system-aarch64",
                 "riscv64": "qemu-system-riscv64"}

# One user-network hostfwd: protocol tcp|udp, host_address "" for every address.
Forward = collections.namedtuple("Forward", "network protocol host_address host_port guest_port")


class UnknownTarget(Exception):
    pass


def target_of(argv):
    for target, program in QEMU_PROGRAMS.items():
        if os.path.basename(argv[0]) == program:
            return target
    raise UnknownTarget("argv[0] %r is not a QEMU these tests know" % argv[0])


def options_of(argv, name):
    """The values of every `name VALUE` pair in argv."""
    return [argv[i + 1] for i in range(1, len(argv) - 1) if argv[i] == name]


def split_keyval(value):
    """Splits a QEMU option value at its single commas; `,,` is a literal comma."""
    parts, current, i = [], "", 0
    while i < len(value):
        if value[i] == ",":
            if value[i + 1:i + 2] == ",":
                current += ","
                i += 2
                continue
            parts.append(current)
            current = ""
        else:
            current += value[i]
        i += 1
    parts.append(current)
    return parts


def suboption(parts, key):
    """The value of `key=` among split_keyval() parts, or None."""
    for part in parts:
        if part.startswith(key + "="):
            return part[len(key) + 1:]
    return None


def drives_of(argv):
    """{drive id: file} of every -drive."""
    drives = {}
    for value in options_of(argv, "-drive"):
        parts = split_keyval(value)
        drives[suboption(parts, "id")] = suboption(parts, "file")
    return drives


def serial_log_of(argv):
    """The logfile= of the -chardev stdio that qemu.serial_log makes, or None."""
    for value in options_of(argv, "-chardev"):
        parts = split_keyval(value)
        if parts[0] == "stdio" and suboption(parts, "logfile") is not None:
            return suboption(parts, "logfile")
    return None


def qmp_sockets_of(argv):
    """The path of every -qmp unix:PATH,..."""
    return [split_keyval(value)[0][len("unix:"):] for value in options_of(argv, "-qmp")
            if value.startswith("unix:")]


def shares_of(argv):
    """{mount tag: (path, read-only)} of every -virtfs."""
    shares = {}
    for value in options_of(argv, "-virtfs"):
        parts = split_keyval(value)
        shares[suboption(parts, "mount_tag")] = (suboption(parts, "path"), suboption(parts, "readonly") == "on")
    return shares


def netdevs_of(argv, kind):
    """The split values of every `-netdev KIND,...`."""
    return [parts for parts in map(split_keyval, options_of(argv, "-netdev")) if parts[0] == kind]


def forwards_of(argv):
    """Every hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport of every user network."""
    forwards = []
    for parts in netdevs_of(argv, "user"):
        for part in parts:
            if part.startswith("hostfwd="):
                host, guest = part[len("hostfwd="):].split("-", 1)
                protocol, address, port = host.split(":")
                forwards.append(Forward(suboption(parts, "id"), protocol or "tcp", address, int(port),
                                        int(guest.rsplit(":", 1)[1])))
    return forwards


def tap_names(argv):
    """The host interface of every tap network."""
    return [suboption(parts, "ifname") for parts in netdevs_of(argv, "tap")]


def uses_kvm(argv):
    return "-enable-kvm" in argv or any("accel=kvm" in value for value in options_of(argv, "-machine"))
