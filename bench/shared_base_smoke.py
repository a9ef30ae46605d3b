#!/usr/bin/env python3
"""bench/shared_base.py, small and once (meson suite `bench`), so that the script cannot rot.
Passes when it exits 0 and prints its row, with a wall time and a peak RSS. Timings are not
asserted.

usage: bench/shared_base_smoke.py QEMUC RUN_MEASURED
"""

import sys

from smoke import check_rows


def main():
    qemuc, run_measured = sys.argv[1:3]
    return check_rows("shared_base.py", [qemuc, "--boards", "3", "--drives", "50", "--vars", "20",
                                         "--runs", "1", "--run-measured", run_measured],
                      ["#1 validate -j 1"], r"\d+ ms \| \d+\.\d MiB")


if __name__ == "__main__":
    sys.exit(main())
