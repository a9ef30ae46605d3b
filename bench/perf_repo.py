"""The inputs of bench/perf_report.py, generated deterministically from N alone.

make_repository(root, n) writes a repository of boards as issue 14 describes it (SPEC §2, §8):
  qemuc.yaml                  profiles: boards, bases and fragments; 8 launch-script outputs
  base/base-BB.yaml           64 abstract bases (x86_64 and aarch64), each with named overlays
  fragments/net-F.yaml        8 abstract network fragments
  boards/b-NNNNNN.yaml        N boards, each `extends: [base, fragment]`, with drives, a network
                              merged into the fragment's by id, and a named overlay of its own
and, in flat/, one self-contained profile per board: the merged profile as `qemuc resolve`
prints it (no extends, vars or overlays), for the schema validators.
Board i uses base i % 64 and fragment i // 64 % 8, so every pairing occurs.
"""

import os

BASES = 64
FRAGMENTS = 8
OUTPUTS = 8
TARGETS = ("x86_64", "aarch64")

BASE = """# Generated base {b}: what the architecture and the build output fix.
abstract: true
vars:
  out: ../out/{target}
qemu:
  target: {target}
  memory: {memory}
  kernel: ${{out}}/kernel-{b}.bin
  initrd: ${{out}}/initrd-{b}.zbi
  extra_args: [-vga, none]
cmdline:
  - console=ttyS0
  - kernel.halt-on-panic=true
  - netsvc.disable=true
overlays:
  kvm: {{ qemu: {{ kvm: true }} }}
  debug:
    cmdline: [kernel.debug=1]
"""
FRAGMENT = """# Generated network fragment {f}: user networking with SSH forwarded.
abstract: true
qemu:
  networks:
    - id: net0
      user:
        network: 10.{f}.2.0/24
        forwards:
          - {{ host: {ssh}, guest: 22 }}
cmdline:
  - netsvc.disable=false
"""
BOARD = """extends: [../base/base-{b:02d}.yaml, ../fragments/net-{f}.yaml]
description: Generated board {i}
qemu:
  cpus: {cpus}
  drives:
    - id: blk0
      file: ${{out}}/fvm-{i}.blk
      addr: "05.0"
    - {{ id: blk1, file: "${{out}}/data-{i}.img" }}
  networks:
    - id: net0
      mac: "{mac}"
      user:
        forwards:
          - {{ host: {http}, guest: 80 }}
cmdline: [board.id={i}]
overlays:
  scratch:
    qemu:
      drives:
        - {{ id: blk2, file: "${{out}}/scratch-{i}.blk" }}
"""
FLAT = """name: "b-{i:06d}"
description: "Generated board {i}"
qemu:
  target: "{target}"
  cpus: {cpus}
  memory: {memory}
  kernel: "/srv/out/{target}/kernel-{b}.bin"
  initrd: "/srv/out/{target}/initrd-{b}.zbi"
  drives:
    - id: "blk0"
      file: "/srv/out/{target}/fvm-{i}.blk"
      addr: "05.0"
    - id: "blk1"
      file: "/srv/out/{target}/data-{i}.img"
  networks:
    - id: "net0"
      mac: "{mac}"
      user:
        network: "10.{f}.2.0/24"
        forwards:
          - guest: 22
            host: {ssh}
          - guest: 80
            host: {http}
  extra_args:
    - "-vga"
    - "none"
cmdline:
  - "console=ttyS0"
  - "kernel.halt-on-panic=true"
  - "netsvc.disable=false"
  - "board.id={i}"
"""


def _base_fields(b):
    return {"b": b, "target": TARGETS[b % 2], "memory": 512 * (1 + b % 4)}


def _board_fields(i):
    b, f = i % BASES, i // BASES % FRAGMENTS
    fields = _base_fields(b)
    fields.update(i=i, f=f, cpus=1 + i % 8, ssh=8022 + f, http=9000 + i % 1000,
                  mac="52:54:00:%02x:%02x:%02x" % (i >> 16 & 255, i >> 8 & 255, i & 255))
    return fields


def board_name(i):
    return f"b-{i:06d}.yaml"


def _write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _project_file(n):
    outputs = []
    for i in range(min(OUTPUTS, n)):
        overlays = "\n    overlays: [kvm]" if i % 2 else ""
        outputs.append(f"  - file: out/b-{i:06d}.sh\n"
                       f"    profile: boards/{board_name(i)}{overlays}\n"
                       f"    defines: {{ out: /srv/out }}\n")
    return ("profiles: [boards/*.yaml, base/*.yaml, fragments/*.yaml]\noutputs:\n"
            + "".join(outputs))


def make_repository(root, n):
    """Writes the repository under root/repo and the flat boards under root/flat."""
    repo, flat = os.path.join(root, "repo"), os.path.join(root, "flat")
    for directory in ("base", "fragments", "boards", "out"):
        os.makedirs(os.path.join(repo, directory))
    os.makedirs(flat)
    for b in range(BASES):
        _write(os.path.join(repo, "base", f"base-{b:02d}.yaml"), BASE.format(**_base_fields(b)))
    for f in range(FRAGMENTS):
        _write(os.path.join(repo, "fragments", f"net-{f}.yaml"), FRAGMENT.format(f=f, ssh=8022 + f))
    boards_dir = os.path.join(repo, "boards")
    for i in range(n):
        fields = _board_fields(i)
        _write(os.path.join(boards_dir, board_name(i)), BOARD.format(**fields))
        _write(os.path.join(flat, board_name(i)), FLAT.format(**fields))
    _write(os.path.join(repo, "qemuc.yaml"), _project_file(n))


def profile_paths(n):
    """What `qemuc check` validates, relative to the repository: boards, bases, fragments."""
    return ([f"boards/{board_name(i)}" for i in range(n)]
            + [f"base/base-{b:02d}.yaml" for b in range(BASES)]
            + [f"fragments/net-{f}.yaml" for f in range(FRAGMENTS)])


def flat_paths(n):
    return [f"flat/{board_name(i)}" for i in range(n)]


def make_chain(directory, files):
    """A chain of `files` files (the leaf included), each extending the one before; the leaf."""
    os.makedirs(directory)
    _write(os.path.join(directory, "c-000.yaml"),
           "abstract: true\nqemu: { target: x86_64, memory: 512, kernel: /k }\n")
    for k in range(1, files):
        abstract = "abstract: true\n" if k < files - 1 else ""
        _write(os.path.join(directory, f"c-{k:03d}.yaml"),
               f"extends: c-{k - 1:03d}.yaml\n{abstract}qemu:\n  drives:\n"
               f"    - {{ id: d{k}, file: /d{k}.img }}\ncmdline: [chain.k{k}={k}]\n")
    return os.path.join(directory, f"c-{files - 1:03d}.yaml")


def make_many_drives(path, drives, sets):
    """A profile with `drives` drives; the `--set` arguments that change `sets` of them."""
    lines = ["qemu:\n  target: x86_64\n  memory: 512\n  kernel: /k\n  drives:\n"]
    lines += [f"    - {{ id: d{k}, file: /d{k}.img }}\n" for k in range(drives)]
    _write(path, "".join(lines))
    step = max(1, drives // sets)
    arguments = []
    for k in range(sets):
        arguments += ["--set", f"qemu.drives[d{k * step % drives}].file=/set-{k}.img"]
    return arguments
