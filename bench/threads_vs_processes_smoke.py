#!/usr/bin/env python3
"""bench/threads_vs_processes.py at N = 50, one round (meson suite `bench`), so that the script
cannot rot. Passes when it exits 0 and prints its three rows, each with a wall and a user time.
Timings are not asserted.

usage: bench/threads_vs_processes_smoke.py QEMUC
"""

import sys

from smoke import check_rows

ROWS = ("-j 1", "-j 2", "two processes, -j 1 each on half")


def main():
    return check_rows("threads_vs_processes.py", [sys.argv[1], "--size", "50", "--runs", "1"],
                      ROWS, r"\d+ ms \| \d+ ms")


if __name__ == "__main__":
    sys.exit(main())
