#!/usr/bin/env python3
"""Times the project file's glob expansion (src/glob.cc) on a generated tree.

usage: bench/glob_expand.py [--files N] [--runs R] [--cxx COMPILER]

Generates N files (default 10,000: 9/10 of them .yaml, the rest .txt) in a tree three levels deep
under a temporary directory, plus a .git directory of as many files that `**` must not enter.
Builds bench/glob_bench.cc with src/glob.cc (plain `c++ -O2`, no meson needed), and prints the
median of R runs (default 9) of `ExpandGlob("**/*.yaml")` in one process, the page cache warm,
beside Python's glob.glob(recursive=True) on the same tree for scale. Both must find the same
number of files.
"""

import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(directory, files):
    """N files spread over 20 x 10 directories (50 per leaf for 10,000), and a .git as big."""
    for i in range(files):
        leaf = os.path.join(directory, f"group{i % 20}", f"set {i // 20 % 10}")
        os.makedirs(leaf, exist_ok=True)
        name = f"board-{i}.txt" if i % 10 == 9 else f"board-{i}.yaml"
        with open(os.path.join(leaf, name), "w") as out:
            out.write("name: x\n")
        hidden = os.path.join(directory, ".git", "objects", f"{i % 256:02x}")
        os.makedirs(hidden, exist_ok=True)
        with open(os.path.join(hidden, f"{i}.yaml"), "w") as out:
            out.write("")


def build(directory, cxx):
    binary = os.path.join(directory, "glob_bench")
    sources = [os.path.join(ROOT, p) for p in ("bench/glob_bench.cc", "src/glob.cc", "src/utf8.cc")]
    subprocess.run([cxx, "-std=c++17", "-O2", "-I", os.path.join(ROOT, "src"), "-o", binary,
                    *sources], check=True)
    return binary


def python_median(tree, runs):
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(glob.glob("**/*.yaml", root_dir=tree, recursive=True))
        times.append(time.perf_counter() - start)
    return count, statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--cxx", default=os.environ.get("CXX", "c++"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qemuc-bench-glob-") as scratch:
        tree = os.path.join(scratch, "tree")
        generate(tree, args.files)
        binary = build(scratch, args.cxx)
        output = subprocess.run([binary, tree, "**/*.yaml", str(args.runs)], check=True,
                                capture_output=True, text=True).stdout.split()
        matches, median_ms = int(output[0]), float(output[1])
        python_matches, python_ms = python_median(tree, args.runs)
        if matches != python_matches:
            sys.exit(f"bench: qemuc found {matches} files, Python's glob {python_matches}")
        print(f"**/*.yaml over {args.files} files (+{args.files} in .git, not entered), "
              f"{matches} matches, median of {args.runs} runs:")
        print(f"  qemuc ExpandGlob          {median_ms:8.2f} ms")
        print(f"  Python glob.glob (scale)  {python_ms:8.2f} ms")


if __name__ == "__main__":
    main()
