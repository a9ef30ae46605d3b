#!/usr/bin/env python3
"""bench/perf_report.py at N = 200, once, so that the benchmark cannot rot (meson suite `bench`).

usage: bench/perf_report_smoke.py QEMUC YAML_LOAD_LOOP RUN_MEASURED

Passes when the script exits 0 and prints its command line first, then every measurement row
and every target row, each with a value: a number, or "skipped: why" for a tool that cannot run
here (ajv-cli when the npm registry is out of reach), or "not run" for a ratio whose size was not
in --sizes. Timings are not asserted: this machine's load is not the code's speed.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from perf_table import SINGLE_ROWS, SIZE_ROWS, targets  # noqa: E402

N, LARGE = 200, 400


def row_cells(output, label):
    """The cells after the label of the table row named `label`."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == label:
            return cells[1:]
    return None


def main():
    qemuc, loop, run_measured = sys.argv[1:]
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "perf_report.py")
    command = [sys.executable, script, "--qemuc", qemuc, "--yaml-load-loop", loop,
               "--run-measured", run_measured,
               "--sizes", str(N), "--runs", "1", "--startup-runs", "3", "--ref-size", str(N),
               "--large-size", str(LARGE)]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            timeout=150)
    print(result.stdout, result.stderr, sep="\n")
    failures = []
    if result.returncode != 0:
        failures.append(f"perf_report.py exited {result.returncode}")
    if not re.match(r"`\S*perf_report\.py --qemuc .* --sizes 200 ", result.stdout):
        failures.append("the first line is not the command")
    value = re.compile(r"^(\d+\.\d+ (s|ms)|\d+\.\d+×?|skipped: .+|not run.*)$")
    for label in SIZE_ROWS + SINGLE_ROWS + [t.label for t in targets(N, LARGE)]:
        cells = row_cells(result.stdout, label)
        wall = None if cells is None else cells[1] if label in SIZE_ROWS + SINGLE_ROWS else cells[0]
        if wall is None or not value.match(wall):
            failures.append(f"row {label!r}: {cells}")
    large_cells = row_cells(result.stdout, f"validate cold -j 2 time N={LARGE} ÷ N={N}")
    if large_cells is None or large_cells[0] != f"not run (N={LARGE})":
        failures.append(f"a ratio over a size not run says {large_cells}, "
                        f"not 'not run (N={LARGE})'")
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
