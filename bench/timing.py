"""What the benchmarks share: the median wall time of a command over repeated runs."""

import statistics
import subprocess
import sys
import time


def median_seconds(command, runs):
    """Runs `command` `runs` times; exits with its stderr if it ever fails."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"bench: {command[:3]} failed: {result.stderr.decode()[:500]}")
    return statistics.median(times)
