#!/usr/bin/env python3
"""bench/compare_builds.py at N = 50, one round, the build against itself (meson suite `bench`),
so that the script cannot rot. Passes when it exits 0 and prints the floor and a row for each
build and -j, each with a time and a ratio. Timings are not asserted.

usage: bench/compare_builds_smoke.py QEMUC YAML_LOAD_LOOP RUN_MEASURED
"""

import sys

from smoke import check_rows


def main():
    qemuc, loop, run_measured = sys.argv[1:4]
    labels = ["YAML::LoadFile loop"] + [f"#{b} validate cold -j {j}" for b in (1, 2)
                                        for j in (1, 2)]
    return check_rows("compare_builds.py",
                      [qemuc, qemuc, "--size", "50", "--runs", "1", "--yaml-load-loop", loop,
                       "--run-measured", run_measured],
                      labels, r"\d+ ms \| \d+\.\d\d× \| \d+\.\d\d× \| (\d+\.\d{3}×)?")


if __name__ == "__main__":
    sys.exit(main())
