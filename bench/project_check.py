#!/usr/bin/env python3
"""Times qemuc on a repository of boards with a project file (SPEC §8), as CI and pre-commit run it.

usage: bench/project_check.py [QEMUC] [--boards N] [--runs R]

Generates N boards (default 1000) extending two bases, and a qemuc.yaml whose `profiles:` glob
matches all of them and which has one launch-script output per board; builds it once, then
reports the median wall time of R runs (default 7) of
  - `qemuc validate` of the N boards and 2 bases (what check does first, for scale);
  - `qemuc check` (validate every profile, compile every output, compare it with the file);
  - `qemuc check -j 2`;
  - `qemuc build` when nothing changed (compile and compare; no file is written).
Medians, because these machines are shared and noisy.
"""

import argparse
import os
import subprocess
import tempfile

from timing import median_seconds

BASE = """abstract: true
vars: {{ out: ../out/{target} }}
qemu:
  target: {target}
  memory: 1G
  kernel: ${{out}}/kernel.bin
cmdline: [console=ttyS0, kernel.halt-on-panic=true]
overlays:
  kvm: {{ qemu: {{ kvm: true }} }}
"""
BOARD = """extends: ../base/{target}.yaml
description: Generated board {i}
qemu:
  cpus: {cpus}
  drives:
    - {{ id: blk0, file: "${{out}}/fvm-{i}.blk" }}
  networks:
    - id: net0
      mac: "52:54:00:{hi:02x}:{lo:02x}:7a"
      user:
        forwards:
          - {{ host: {port}, guest: 22 }}
cmdline: [board.id={i}]
"""


def make_repository(root, boards):
    os.makedirs(os.path.join(root, "base"))
    os.makedirs(os.path.join(root, "boards"))
    for target in ("x86_64", "aarch64"):
        with open(os.path.join(root, "base", target + ".yaml"), "w") as f:
            f.write(BASE.format(target=target))
    outputs = []
    for i in range(boards):
        with open(os.path.join(root, "boards", f"board-{i}.yaml"), "w") as f:
            f.write(BOARD.format(i=i, target="x86_64" if i % 2 else "aarch64", cpus=1 + i % 8,
                                 hi=i // 256 % 256, lo=i % 256, port=10000 + i))
        outputs.append(f"  - {{ file: out/board-{i}.sh, profile: boards/board-{i}.yaml }}\n")
    with open(os.path.join(root, "qemuc.yaml"), "w") as f:
        f.write("profiles: [boards/*.yaml, base/*.yaml]\noutputs:\n" + "".join(outputs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qemuc", nargs="?", default="build/qemuc")
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    qemuc = os.path.abspath(args.qemuc)
    with tempfile.TemporaryDirectory(prefix="qemuc-bench-") as root:
        make_repository(root, args.boards)
        subprocess.run([qemuc, "build", "-C", root], check=True, stdout=subprocess.DEVNULL)
        profiles = [os.path.join(root, "base", t + ".yaml") for t in ("x86_64", "aarch64")]
        profiles += [os.path.join(root, "boards", f"board-{i}.yaml") for i in range(args.boards)]
        validate = median_seconds([qemuc, "validate", *profiles], args.runs)
        check = median_seconds([qemuc, "check", "-C", root], args.runs)
        check_j2 = median_seconds([qemuc, "check", "-j", "2", "-C", root], args.runs)
        build = median_seconds([qemuc, "build", "-C", root], args.runs)
    n = args.boards
    print(f"{n} boards, {n} outputs, medians over {args.runs} runs:")
    print(f"  validate of the {n + 2} profiles: {validate * 1000:.0f} ms")
    print(f"  check: {check * 1000:.0f} ms ({check / n * 1e6:.0f} us per board and its output)")
    print(f"  check -j 2: {check_j2 * 1000:.0f} ms ({check / check_j2:.2f}x the speed of -j 1)")
    print(f"  build, nothing to write: {build * 1000:.0f} ms")


if __name__ == "__main__":
    main()
