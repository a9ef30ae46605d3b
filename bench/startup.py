#!/usr/bin/env python3
"""Process start-up cost of qemuc, next to /bin/true (issue 14's last two targets).

usage: bench/startup.py [QEMUC...] [--runs R] [--instructions]

Times, interleaved so that the machine's load hits each command alike, R runs (default 300) of
  - /bin/true                   the cost of starting any process here;
  - QEMUC --version             dynamic loading, relocations and static initialisers;
  - QEMUC compile               a layered board: examples/boards/x64-dev.yaml (extends a base)
                                with its overlay -O kvm and the overlay file
                                examples/overlays/kvm.yaml, --no-host-checks;
and prints each median (µs) and its ratio to /bin/true's (targets: --version <= 1.8, compile
<= 2.5). QEMUC defaults to build/qemuc; name several (a dynamically linked build, say) to compare
them in one run. --instructions also counts the instructions of one run of each, from the first
instruction of the dynamic loader on (valgrind --tool=callgrind): exact where the wall times of a
shared machine are not.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SILENT = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
BOARD = os.path.join(ROOT, "examples", "boards", "x64-dev.yaml")
OVERLAY_FILE = os.path.join(ROOT, "examples", "overlays", "kvm.yaml")


def commands(qemus):
    """The commands to time, by the name printed for each."""
    cases = {"/bin/true": ["/bin/true"]}
    for qemuc in qemus:
        label = qemuc if len(qemus) > 1 else "qemuc"
        cases[f"{label} --version"] = [qemuc, "--version"]
        cases[f"{label} compile"] = [qemuc, "compile", BOARD, "-O", "kvm", "-O", OVERLAY_FILE,
                                     "--no-host-checks"]
    return cases


def run_once(command):
    """Wall time of one run, in seconds; exits with its stderr if the command fails.

    posix_spawn and waitpid, not subprocess.run: subprocess's own work (a pipe, closing every
    descriptor) would add to each time alike and shrink the ratios."""
    start = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=SILENT)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sys.exit(f"bench: {' '.join(command)} failed: {result.stderr.decode()[:500]}")
    return elapsed


def median_times(cases, runs):
    """Median seconds of each command over `runs` interleaved rounds."""
    times = {name: [] for name in cases}
    for command in cases.values():  # the page cache, warm before anything is timed
        run_once(command)
    for _ in range(runs):
        for name, command in cases.items():
            times[name].append(run_once(command))
    return {name: statistics.median(samples) for name, samples in times.items()}


def instructions(command):
    """Instructions executed by one run of `command`, the dynamic loader's included."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
                            + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            check=True)
    return int(re.search(rb"Collected : (\d+)", result.stderr).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qemuc", nargs="*")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args()
    qemus = [os.path.abspath(q) for q in args.qemuc] or [os.path.join(ROOT, "build", "qemuc")]
    cases = commands(qemus)
    counting = args.instructions and shutil.which("valgrind") is not None
    if args.instructions and not counting:
        print("bench: no valgrind on PATH: instructions not counted", file=sys.stderr)
    medians = median_times(cases, args.runs)
    floor = medians["/bin/true"]
    width = max(len(name) for name in cases) + 2
    print(f"{'command':<{width}} {'median µs':>10} {'× /bin/true':>12}"
          + (f" {'instructions':>13}" if counting else "") + f"   ({args.runs} runs each)")
    for name, command in cases.items():
        row = f"{name:<{width}} {medians[name] * 1e6:>10.0f} {medians[name] / floor:>12.2f}"
        if counting:
            row += f" {instructions(command):>13,}"
        print(row)


if __name__ == "__main__":
    main()
