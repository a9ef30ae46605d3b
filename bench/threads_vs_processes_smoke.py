#!/usr/bin/env python3
"""bench/threads_vs_processes.py at N = 50, one round (meson suite `bench`), so that the script
cannot rot. Passes when it exits 0 and prints its three rows, each with a wall and a user time.
Timings are not asserted.

usage: bench/threads_vs_processes_smoke.py QEMUC
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = ("-j 1", "-j 2", "two processes, -j 1 each on half")


def main():
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "threads_vs_processes.py"), sys.argv[1],
             "--size", "50", "--runs", "1", "--work-dir", work], stdout=subprocess.PIPE,
            text=True)
    print(result.stdout)
    if result.returncode != 0:
        return f"threads_vs_processes.py exited {result.returncode}"
    for label in ROWS:
        if not re.search(rf"^\| {re.escape(label)} \| \d+ ms \| \d+ ms \|$", result.stdout,
                         re.MULTILINE):
            return f"no row {label!r} with a wall and a user time"
    return 0


if __name__ == "__main__":
    sys.exit(main())
