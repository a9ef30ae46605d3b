#!/usr/bin/env python3
"""Times qemuc on single profiles near the 1 MiB limit, where a quadratic step would show.

usage: bench/large_profile.py [QEMUC] [--runs R]

Each generated profile is valid and just under 1 MiB: ~90k cmdline entries, ~30k drives, or
~60k vars. Reports the median wall time of R runs (default 5) of `qemuc validate` and of
`qemuc compile --no-host-checks -f args`.
"""

import argparse
import os
import tempfile

from timing import median_seconds

HEAD = "qemu: {target: x86_64, memory: 512, kernel: /k}\n"
LIMIT = 1024 * 1024 - 64


def fill(head, line_of, limit=LIMIT):
    parts, size, i = [head], len(head), 0
    while True:
        line = line_of(i)
        if size + len(line) > limit:
            return "".join(parts)
        parts.append(line)
        size += len(line)
        i += 1


PROFILES = {
    "cmdline": lambda: fill(HEAD + "cmdline:\n", lambda i: f"  - opt{i}=v\n"),
    "drives": lambda: fill("qemu:\n  target: x86_64\n  memory: 512\n  kernel: /k\n  drives:\n",
                           lambda i: f"    - {{id: d{i}, file: /d{i}.img}}\n"),
    "vars": lambda: fill(HEAD + "vars:\n", lambda i: f"  v{i}: x\n"),
}




def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qemuc", nargs="?", default="build/qemuc")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    qemuc = os.path.abspath(args.qemuc)
    with tempfile.TemporaryDirectory(prefix="qemuc-bench-") as directory:
        for name, make in PROFILES.items():
            path = os.path.join(directory, name + ".yaml")
            with open(path, "w") as profile:
                profile.write(make())
            size = os.path.getsize(path)
            validate = median_seconds([qemuc, "validate", path], args.runs)
            compile_args = median_seconds([qemuc, "compile", "--no-host-checks", "-f", "args", path], args.runs)
            print(f"{name:8} {size / 1024:.0f} KiB: validate median {validate * 1000:.0f} ms, "
                  f"compile median {compile_args * 1000:.0f} ms ({args.runs} runs)")


if __name__ == "__main__":
    main()
