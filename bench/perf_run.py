"""How bench/perf_report.py runs a child: wall time, peak RSS, an argv longer than ARG_MAX.

Each child is started by bench/run_measured, which times it and reads its peak RSS from wait4.

Every number comes from a child that exited 0: a benchmark of failing runs is meaningless, so a
failure stops the bench with the child's stderr.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass


@dataclass
class Measurement:
    seconds: float  # the median wall time of one run
    rss_kib: int  # the median over the runs of each child's peak resident set
    runs: int
    times: list = None  # each run's wall time, round by round (measure_rows)


@dataclass
class Skipped:
    reason: str


def _argv_bytes(command, env):
    strings = list(command) + [f"{k}={v}" for k, v in env.items()]
    return sum(len(os.fsencode(s)) + 1 + 8 for s in strings)  # each string, its NUL, its pointer


def _stack_for(command, env):
    """A preexec_fn that lets `command` through execve: Linux caps argv + environ at a quarter
    of RLIMIT_STACK (2 MiB of the usual 8 MiB), which 100,000 paths exceed."""
    needed = 4 * _argv_bytes(command, env) + (16 << 20)
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return None
    if hard != resource.RLIM_INFINITY and hard < needed:
        sys.exit(f"bench: {command[0]} needs RLIMIT_STACK >= {needed} for its argv; the hard "
                 f"limit is {hard}")

    def raise_stack():
        resource.setrlimit(resource.RLIMIT_STACK, (needed, hard))

    return raise_stack


RUN_MEASURED = None  # bench/run_measured, set by perf_report.py: see that file for why


def run_once(command, cwd=None, env=None):
    """Runs `command` once through run_measured; returns (seconds, peak RSS in KiB). Exits the
    bench if it fails."""
    env = dict(os.environ if env is None else env)
    with tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile("r") as numbers:
        launcher = [RUN_MEASURED, numbers.name, *command]
        status = subprocess.call(launcher, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=stderr,
                                 preexec_fn=_stack_for(launcher, env))
        if status != 0:
            stderr.seek(0)
            shown = " ".join(command[:4]) + (" ..." if len(command) > 4 else "")
            sys.exit(f"bench: `{shown}` exited {status} in {cwd or '.'}:\n"
                     f"{stderr.read(2000).decode(errors='replace')}")
        seconds, rss_kib = numbers.read().split()
    return float(seconds), int(rss_kib)


def measure(command, runs, cwd=None):
    """The medians of `runs` runs."""
    return measure_rows([Row("", command, cwd)], runs, None)[""]


def measure_interleaved(commands, runs):
    """Medians of many short runs, the commands taking turns so that they share the machine's
    moods; returns one Measurement per command."""
    rows = [Row(str(k), command) for k, command in enumerate(commands)]
    results = measure_rows(rows, runs, None)
    return [results[row.name] for row in rows]


@dataclass
class Row:
    """One measurement of bench/perf_report.py: a command, where it runs and with what cache."""
    name: str
    command: list
    cwd: str = None
    cache: str = "none"  # "cold": a fresh empty $XDG_CACHE_HOME per run; "warm": one, filled once
    runs: int = None  # fewer runs than the others (the slow rows); None: all of them


def measure_rows(rows, runs, caches):
    """The medians of `runs` rounds, each round running every row once in turn, so that the
    machine's load drifts over all of them alike and their ratios hold (a floor measured a
    minute after qemuc moved by half between runs). Each round starts one row further on, so
    that no row always runs second after the round's foreign tools: validate cold -j 2 of 10,000
    boards took 0.61 s in rounds that held ajv-cli (node, 90 MiB) and 0.49 s in rounds without
    it, minutes apart, the floor unchanged. Returns {row name: Measurement}."""
    warm_envs = {}
    for row in rows:
        if row.cache == "warm":
            warm_envs[row.name] = caches.fresh_env()
            run_once(row.command, row.cwd, warm_envs[row.name])  # fills the cache
    times = {row.name: [] for row in rows}
    peaks = {row.name: [] for row in rows}
    try:
        for round_number in range(runs):
            start = round_number % len(rows)
            for row in rows[start:] + rows[:start]:
                if row.runs is not None and round_number >= row.runs:
                    continue
                env = caches.fresh_env() if row.cache == "cold" else warm_envs.get(row.name)
                seconds, rss = run_once(row.command, row.cwd, env)
                if row.cache == "cold":
                    caches.remove(env)
                times[row.name].append(seconds)
                peaks[row.name].append(rss)
    finally:
        for env in warm_envs.values():
            caches.remove(env)
    return {name: Measurement(statistics.median(times[name]), int(statistics.median(peaks[name])),
                              len(times[name]), times[name]) for name in times}


class CacheDirs:
    """Directories for qemuc's $XDG_CACHE_HOME: a fresh empty one per cold run, one per warm row."""

    def __init__(self, parent):
        self.parent = parent

    def fresh_env(self):
        return dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="xdg-cache-",
                                                                dir=self.parent))

    @staticmethod
    def remove(env):
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)


def ensure_ajv(cache_dir, timeout):
    """The path of ajv-cli 5's `ajv`, installed from the npm registry into cache_dir on first use;
    Skipped when npm is missing or the install fails (no network in CI, say)."""
    ajv = os.path.join(cache_dir, "node_modules", ".bin", "ajv")
    package = os.path.join(cache_dir, "node_modules", "ajv-cli", "package.json")
    if os.path.exists(ajv) and os.path.exists(package):
        with open(package, encoding="utf-8") as f:
            if '"version": "5.' in f.read():
                return ajv
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return Skipped("npm and node not installed (Debian: npm)")
    os.makedirs(cache_dir, exist_ok=True)
    command = [npm, "install", "--prefix", cache_dir, "--no-audit", "--no-fund",
               "--no-save", "--fetch-retries=1", "ajv-cli@5"]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Skipped(f"`npm install ajv-cli@5` took over {timeout} s")
    if result.returncode != 0 or not os.path.exists(ajv):
        lines = result.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        return Skipped(f"`npm install ajv-cli@5` failed: {lines[-1][:120]}")
    return ajv
