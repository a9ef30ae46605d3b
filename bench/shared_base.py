#!/usr/bin/env python3
"""Builds of qemuc on boards that share one large base: what the merge copies of the base.

usage: bench/shared_base.py QEMUC... [--boards 20] [--drives 20000] [--vars 5000] [--runs 5]
                            [--run-measured M] [--work-dir DIR]

Generates base.yaml, with --drives drives and --vars vars, and --boards boards that extend it and
each set qemu.cpus and a cmdline entry, and times `qemuc validate --no-cache -j 1` of every board
with each build, the builds taking turns in each of --runs rounds. Prints the median wall time and
peak RSS of each. Issue 14: when the merged tree still copied every collection of every layer,
20 boards over 20,000 drives and 5,000 vars took 0.74 s and 31 MiB; sharing what no board writes
into took that to 0.28 s and 21 MiB.
"""

import argparse
import os
import shutil
import tempfile

import perf_run
from perf_run import Row, measure_rows


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", metavar="QEMUC")
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--drives", type=int, default=20000)
    parser.add_argument("--vars", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--run-measured", default="build/bench/run_measured")
    parser.add_argument("--work-dir", help="where to generate (default: a temporary directory)")
    return parser.parse_args()


def make_profiles(root, boards, drives, variables):
    """Writes base.yaml and the boards; returns the boards' file names."""
    lines = ["abstract: true\nqemu:\n  target: x86_64\n  memory: 512\n  kernel: /k\n"]
    if drives:
        lines.append("  drives:\n")
        lines += [f"    - {{id: d{i}, file: /d{i}.img}}\n" for i in range(drives)]
    if variables:
        lines.append("vars:\n")
        lines += [f"  v{i}: x{i}\n" for i in range(variables)]
    with open(os.path.join(root, "base.yaml"), "w", encoding="utf-8") as out:
        out.writelines(lines)
    names = []
    for board in range(boards):
        names.append(f"b{board}.yaml")
        with open(os.path.join(root, names[-1]), "w", encoding="utf-8") as out:
            out.write(f"extends: base.yaml\nqemu:\n  cpus: 2\ncmdline: [board={board}]\n")
    return names


def main():
    args = parse_args()
    builds = [os.path.abspath(build) for build in args.builds]
    perf_run.RUN_MEASURED = os.path.abspath(args.run_measured)
    work = tempfile.mkdtemp(prefix="qemuc-shared-base-", dir=args.work_dir)
    try:
        boards = make_profiles(work, args.boards, args.drives, args.vars)
        rows = [Row(f"#{number + 1} validate -j 1",
                    [build, "validate", "--no-cache", "-j", "1"] + boards, cwd=work)
                for number, build in enumerate(builds)]
        results = measure_rows(rows, args.runs, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for number, build in enumerate(builds):
        print(f"#{number + 1} = {build}")
    print(f"{args.boards} boards over one base of {args.drives} drives and {args.vars} vars, "
          f"medians of {args.runs} rounds")
    print("| row | wall (median) | peak RSS |")
    print("|---|---:|---:|")
    for row in rows:
        measured = results[row.name]
        print(f"| {row.name} | {measured.seconds * 1000:.0f} ms | "
              f"{measured.rss_kib / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
