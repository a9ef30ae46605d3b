#!/usr/bin/env python3
"""What two threads of one qemuc cost next to two qemuc processes doing the same work.

usage: bench/threads_vs_processes.py [QEMUC] [--size 10000] [--runs 7] [--work-dir DIR]

Generates the repository of bench/perf_report.py at --size boards and times, taking turns in each
of --runs rounds, `qemuc validate --no-cache` of every profile with -j 1 and with -j 2, and two
`-j 1` processes started together, each given every other profile. It prints the median wall and
user CPU time of each (user time from getrusage of the children). Issue 14 found -j 2 using about
a fifth more user time than -j 1, where the two processes used almost none more: whatever the
threads of one process share costs that much. Part of it was a search tree of every path read,
which both threads walked and rebalanced (a hash map since 1172112); after it, -j 2 used 963 ms
of user time to -j 1's 898 and the two processes' 937, on a machine whose phases move such
figures by a tenth.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time

import perf_repo


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("qemuc", nargs="?", default="build/qemuc")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work-dir", help="where to generate (default: a temporary directory)")
    return parser.parse_args()


def timed(commands, cwd):
    """Starts the commands together; returns the wall time until all exit and their user time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.monotonic()
    children = [subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
                for command in commands]
    for child in children:
        if child.wait() != 0:
            raise SystemExit(f"{child.args[:3]} exited {child.returncode}")
    wall = time.monotonic() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main():
    args = parse_args()
    qemuc = os.path.abspath(args.qemuc)
    work = tempfile.mkdtemp(prefix="qemuc-threads-", dir=args.work_dir)
    try:
        perf_repo.make_repository(work, args.size)
        repo = os.path.join(work, "repo")
        paths = perf_repo.profile_paths(args.size)
        validate = [qemuc, "validate", "--no-cache"]
        rows = {
            "-j 1": [validate + ["-j", "1"] + paths],
            "-j 2": [validate + ["-j", "2"] + paths],
            "two processes, -j 1 each on half": [validate + ["-j", "1"] + paths[0::2],
                                                 validate + ["-j", "1"] + paths[1::2]],
        }
        results = {name: [] for name in rows}
        for _ in range(args.runs):
            for name, commands in rows.items():
                results[name].append(timed(commands, repo))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"N = {args.size}, {qemuc}, medians of {args.runs} rounds")
    print("| run | wall | user |")
    print("|---|---:|---:|")
    for name, samples in results.items():
        wall = statistics.median(s[0] for s in samples)
        user = statistics.median(s[1] for s in samples)
        print(f"| {name} | {wall * 1000:.0f} ms | {user * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
