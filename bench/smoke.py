"""What the bench smoke tests share: run a bench script once, small, and check its table rows.

A smoke test passes when the script exits 0 and prints a row for each label that matches the
cells expected; timings are never asserted (this machine's load is not the code's speed).
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def check_rows(script, args, labels, cells):
    """Runs bench/`script` with `args` and --work-dir in a temporary directory; returns 0, or
    why it failed. `cells` is the regular expression of the cells after each row's label."""
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run([sys.executable, os.path.join(HERE, script), *args,
                                 "--work-dir", work], stdout=subprocess.PIPE, text=True)
    print(result.stdout)
    if result.returncode != 0:
        return f"{script} exited {result.returncode}"
    for label in labels:
        if not re.search(rf"^\| {re.escape(label)} \| {cells} \|$", result.stdout, re.MULTILINE):
            return f"no row {label!r} with its cells"
    return 0
