#!/usr/bin/env python3
"""Times qemuc on many profiles, as pre-commit and CI use it: one process, many files.

usage: bench/validate_many.py [QEMUC] [--files N] [--runs R]

Generates N profiles (default 1000) like examples/boards/x64-dev.yaml, merged into one file, with varied values in a
temporary directory, then reports the median wall time of R runs (default 7) of
  - `qemuc validate` on all N files (one process), and per file, with -j 1 and -j 2;
  - `qemuc compile --no-host-checks` of one profile (process start-up dominates);
  - `/bin/true`, the cost of starting any process on this machine, for scale.
Medians, because these machines are shared and noisy.
"""

import argparse
import os
import tempfile

from timing import median_seconds

PROFILE = """name: board-{i}
description: Generated board {i}
qemu:
  target: {target}
  cpus: {cpus}
  memory: {memory}
  kernel: ../out/kernel-{i}.bin
  initrd: ../out/initrd-{i}.zbi
  drives:
    - id: blk0
      file: ../out/fvm-{i}.blk
      addr: "05.0"
    - {{id: blk1, file: "../out/data {i}.img"}}
  networks:
    - id: net0
      mac: "52:54:00:{hi:02x}:{lo:02x}:7a"
      user:
        network: 10.0.2.0/24
        forwards:
          - {{ host: {port}, guest: 22 }}
          - {{ host: {port2}, guest: 80, protocol: udp, host_address: 127.0.0.1 }}
  extra_args: [-vga, none]
cmdline:
  - console=ttyS0
  - kernel.halt-on-panic=true
  - board.id={i}
"""




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qemuc", nargs="?", default="build/qemuc")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    qemuc = os.path.abspath(args.qemuc)
    with tempfile.TemporaryDirectory(prefix="qemuc-bench-") as directory:
        boards = os.path.join(directory, "boards")
        os.mkdir(boards)
        paths = []
        for i in range(args.files):
            path = os.path.join(boards, f"board-{i}.yaml")
            with open(path, "w") as profile:
                profile.write(PROFILE.format(i=i, target="x86_64" if i % 2 else "aarch64", cpus=1 + i % 8,
                                             memory=f"{1 + i % 4}G", hi=i // 256 % 256, lo=i % 256,
                                             port=10000 + i, port2=30000 + i))
            paths.append(path)
        size = sum(os.path.getsize(p) for p in paths)
        validate = median_seconds([qemuc, "validate", *paths], args.runs)
        validate_j2 = median_seconds([qemuc, "validate", "-j", "2", *paths], args.runs)
        compile_one = median_seconds([qemuc, "compile", "--no-host-checks", paths[0]], args.runs * 3)
        true = median_seconds(["/bin/true"], args.runs * 3)
    print(f"validate {args.files} files ({size / 1024:.0f} KiB), one process: median {validate * 1000:.1f} ms "
          f"({validate / args.files * 1e6:.0f} us per file) over {args.runs} runs")
    print(f"validate -j 2, same files: median {validate_j2 * 1000:.1f} ms "
          f"({validate / validate_j2:.2f}x the speed of -j 1)")
    print(f"compile one profile (--no-host-checks): median {compile_one * 1000:.2f} ms over {args.runs * 3} runs")
    print(f"/bin/true (process start-up): median {true * 1000:.2f} ms")


if __name__ == "__main__":
    main()
