#!/usr/bin/env python3
"""Runs one libFuzzer target for a while on its seeds and corpus and reports what it found.

usage: run.py [--seconds N] [--max-len BYTES] [--rss-limit-mb MB] TARGET SOURCE_ROOT WORK_DIR

TARGET is a fuzz_NAME binary of tests/fuzz/. In WORK_DIR (a build directory, outside the sources):
  seeds/   rebuilt from examples/ and tests/golden/ on every run (make_seeds.py)
  corpus/  what the fuzzer found interesting; kept, so later runs start where this one stopped
  crashes/ an input for each crash, leak, timeout or out-of-memory (crash-*, leak-*, ...)
  fuzz.log libFuzzer's own output of the last run
After a crash the fuzzer starts again (up to 10 times) until the time is used up.
Prints one summary line (executions, exec/s, coverage, corpus, findings) and each finding.
Exit status: 0 nothing found, 1 a finding (or the fuzzer failed), 2 a usage error.
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_seeds  # noqa: E402

MAX_RESTARTS = 10


def libfuzzer_command(args, work, seconds):
    return [args.target, str(work / "corpus"), str(work / "seeds"),
            f"-max_total_time={max(1, int(seconds))}",
            f"-max_len={args.max_len}",
            f"-rss_limit_mb={args.rss_limit_mb}",
            "-timeout=10",  # seconds for one input; a hang is a finding
            f"-dict={HERE / 'qemuc.dict'}",
            "-print_final_stats=1",
            f"-artifact_prefix={work / 'crashes'}/"]


def final_stats(log):
    """The figures of libFuzzer's last status line and its -print_final_stats block."""
    stats = {k: int(v) for k, v in re.findall(r"^stat::(\w+):\s+(\d+)", log, re.M)}
    status = re.findall(r"^#\d+\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\w+)", log, re.M)
    if status:
        stats["cov"], stats["ft"], stats["corp"] = map(int, status[-1][:3])
        stats["corp_size"] = status[-1][3]
    return stats


def first_problem(log):
    """The line that says what went wrong: a sanitizer's ERROR, a qemuc fuzz check, a libFuzzer
    deadly signal or timeout."""
    for pattern in (r"^.*ERROR: \w+Sanitizer.*$", r"^.*runtime error:.*$", r"^qemuc fuzz: .*$",
                    r"^==\d+== ERROR: libFuzzer: .*$"):
        match = re.search(pattern, log, re.M)
        if match:
            return match.group(0).strip()
    return "(see the log)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-len", type=int, default=8192)
    parser.add_argument("--rss-limit-mb", type=int, default=2048)
    parser.add_argument("target")
    parser.add_argument("source_root", type=pathlib.Path)
    parser.add_argument("work_dir", type=pathlib.Path)
    args = parser.parse_args()
    name = pathlib.Path(args.target).name
    kind = name.removeprefix("fuzz_")
    work = args.work_dir.resolve()
    for sub in ("corpus", "crashes"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    make_seeds.main([str(args.source_root), str(work / "built-seeds")])
    seeds = work / "seeds"
    if seeds.is_symlink() or seeds.exists():
        seeds.unlink()
    seeds.symlink_to(work / "built-seeds" / kind)

    totals = {"executions": 0, "cov": 0, "ft": 0, "peak_rss_mb": 0}
    start = time.monotonic()
    deadline = start + args.seconds
    failed_without_finding = False
    found = {}  # the input libFuzzer saved -> what went wrong
    with open(work / "fuzz.log", "w+b") as log_file:
        for _ in range(MAX_RESTARTS):
            remaining = deadline - time.monotonic()
            if remaining < 1:
                break
            # Straight into the log, so that a long run can be watched (tail -f).
            log_file.flush()
            offset = log_file.tell()
            run = subprocess.run(libfuzzer_command(args, work, remaining), stdout=log_file,
                                 stderr=subprocess.STDOUT)
            log_file.seek(offset)
            output = log_file.read().decode(errors="replace")
            stats = final_stats(output)
            totals["executions"] += stats.get("number_of_executed_units", 0)
            for key in ("cov", "ft", "peak_rss_mb"):
                totals[key] = max(totals[key], stats.get(key, 0))
            if "corp" in stats:  # the inputs libFuzzer keeps in use, of the last run
                totals["corp"], totals["corp_size"] = stats["corp"], stats["corp_size"]
            saved = re.findall(r"Test unit written to (\S+)$", output, re.M)
            if run.returncode == 0:
                break
            if not saved:
                failed_without_finding = True  # libFuzzer itself failed: nothing to restart for
                break
            if saved[-1] in found:
                break  # the same input again (a seed, say): restarting would not get past it
            found[saved[-1]] = first_problem(output)
    new = sorted(found)
    corpus = list((work / "corpus").iterdir())
    elapsed = time.monotonic() - start
    print(f"{name}: {elapsed:.0f} s, {totals['executions']} executions "
          f"({totals['executions'] / max(elapsed, 1):.0f}/s), cov {totals['cov']}, "
          f"ft {totals['ft']}, corpus {totals.get('corp', 0)} inputs "
          f"({totals.get('corp_size', '0b')}; corpus/ holds {len(corpus)} files, "
          f"{sum(p.stat().st_size for p in corpus) // 1024} KiB), "
          f"peak RSS {totals['peak_rss_mb']} MB, {len(new)} findings")
    log_text = (work / "fuzz.log").read_text(errors="replace")
    for path in new:
        print(f"  finding {path}: {found[path]}")
    if failed_without_finding:
        print(f"{name}: libFuzzer failed without a finding; the end of {work / 'fuzz.log'}:")
        print("\n".join(log_text.splitlines()[-30:]))
    if new:
        print(f"  reproduce: {args.target} FILE   (libFuzzer's log: {work / 'fuzz.log'})")
    return 1 if new or failed_without_finding else 0


if __name__ == "__main__":
    sys.exit(main())
