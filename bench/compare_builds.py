#!/usr/bin/env python3
"""Two or more builds of qemuc on issue 14's repository, in one run: did a change make it faster?

usage: bench/compare_builds.py QEMUC QEMUC... [--size 10000] [--runs 7] [--jobs 1,2]
                               [--yaml-load-loop L] [--run-measured M] [--work-dir DIR]

Generates the repository of bench/perf_report.py at --size boards and times, for each build,
`qemuc validate` of every profile on a cold cache (a fresh empty $XDG_CACHE_HOME per run) with
each -j of --jobs, beside the YAML::LoadFile loop over the same files. The rows take turns in
each of --runs rounds, so that the machine's moods fall on every build alike; it prints the
median wall time of each row, its ratio to the floor's median, and the medians of its ratios,
within each round, to the floor and to build #1 with the same -j. Those are the steadier: this
machine's speed drifts by half over minutes, and a round (a few seconds) mostly sees one speed.
Even so, in issue 14 the same two builds gave 0.94 in one run of 40 rounds and 1.06 in another:
a change under about 6% at -j 2 cannot be told from the machine here. Build an older revision to
compare with in a worktree (`git worktree add --detach /tmp/base REV && meson setup /tmp/base/build
/tmp/base && ninja -C /tmp/base/build qemuc`).

On a 2-core machine a -j 2 row means nothing while anything else runs: a compile beside it halves
it. Compare -j 1 rows then, or instruction counts (valgrind --tool=callgrind).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile

import perf_repo
import perf_run
from perf_run import CacheDirs, Row, measure_rows


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", metavar="QEMUC")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--jobs", default="1,2", help="the -j values, comma-separated")
    parser.add_argument("--yaml-load-loop", default="build/bench/yaml_load_loop")
    parser.add_argument("--run-measured", default="build/bench/run_measured")
    parser.add_argument("--work-dir", help="where to generate (default: a temporary directory)")
    return parser.parse_args()


def build_rows(args, repo, files):
    paths = perf_repo.profile_paths(args.size)
    rows = [Row("YAML::LoadFile loop", [os.path.abspath(args.yaml_load_loop), files])]
    for number, build in enumerate(args.builds):
        for jobs in args.jobs.split(","):
            rows.append(Row(f"#{number + 1} validate cold -j {jobs}",
                            [build, "validate", "-j", jobs] + paths, cwd=repo, cache="cold"))
    return rows


def paired_ratio(measured, reference):
    """The median over the rounds of `measured`'s time over `reference`'s in the same round."""
    return statistics.median(t / r for t, r in zip(measured.times, reference.times))


def main():
    args = parse_args()
    args.builds = [os.path.abspath(build) for build in args.builds]
    perf_run.RUN_MEASURED = os.path.abspath(args.run_measured)
    work = tempfile.mkdtemp(prefix="qemuc-compare-", dir=args.work_dir)
    try:
        root = os.path.join(work, "repo")
        perf_repo.make_repository(work, args.size)
        files = os.path.join(work, "profiles.list")
        with open(files, "w", encoding="utf-8") as out:
            out.writelines(os.path.join(root, p) + "\n" for p in perf_repo.profile_paths(args.size))
        for build in args.builds:  # every build must accept every board: a failure is no timing
            subprocess.run([build, "validate", "--no-cache"] + perf_repo.profile_paths(args.size),
                           cwd=root, check=True, stdout=subprocess.DEVNULL)
        rows = build_rows(args, root, files)
        results = measure_rows(rows, args.runs, CacheDirs(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = results["YAML::LoadFile loop"].seconds
    for number, build in enumerate(args.builds):
        print(f"#{number + 1} = {build}")
    print(f"N = {args.size}, medians of {args.runs} rounds")
    print("| row | wall (median) | ÷ YAML::LoadFile loop | ÷ floor, median of rounds "
          "| ÷ #1, median of rounds |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        measured = results[row.name]
        to_floor = paired_ratio(measured, results["YAML::LoadFile loop"])
        first = results.get(re.sub(r"^#\d+ ", "#1 ", row.name))
        to_first = f"{paired_ratio(measured, first):.3f}×" if row.name.startswith("#") else ""
        print(f"| {row.name} | {measured.seconds * 1000:.0f} ms | {measured.seconds / floor:.2f}× "
              f"| {to_floor:.2f}× | {to_first} |")


if __name__ == "__main__":
    main()
