#!/usr/bin/env python3
"""bench/compare_builds.py at N = 50, one round, the build against itself (meson suite `bench`),
so that the script cannot rot. Passes when it exits 0 and prints the floor and a row for each
build and -j, each with a time and a ratio. Timings are not asserted.

usage: bench/compare_builds_smoke.py QEMUC YAML_LOAD_LOOP RUN_MEASURED
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    qemuc, loop, run_measured = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "compare_builds.py"), qemuc, qemuc, "--size",
             "50", "--runs", "1", "--yaml-load-loop", loop, "--run-measured", run_measured,
             "--work-dir", work], stdout=subprocess.PIPE, text=True)
    print(result.stdout)
    if result.returncode != 0:
        return f"compare_builds.py exited {result.returncode}"
    expected = ["YAML::LoadFile loop"] + [f"#{b} validate cold -j {j}" for b in (1, 2)
                                          for j in (1, 2)]
    for label in expected:
        if not re.search(rf"^\| {re.escape(label)} \| \d+ ms \| \d+\.\d\d× \|$", result.stdout,
                         re.MULTILINE):
            return f"no row {label!r} with a time and a ratio"
    return 0


if __name__ == "__main__":
    sys.exit(main())
