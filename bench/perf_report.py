#!/usr/bin/env python3
"""Issue 14's benchmark: qemuc next to yaml-cpp, ajv-cli and python3-jsonschema, in one run.

usage: bench/perf_report.py [--qemuc Q] [--yaml-load-loop L] [--run-measured M]
                            [--sizes 1000,10000,100000]
                            [--runs 5] [--startup-runs 200] [--python-max 10000] [--python-runs 3]
                            [--ref-size 10000] [--large-size 100000] [--work-dir DIR]

For each N of --sizes it generates (bench/perf_repo.py) a repository of N boards, each extending
one of 64 bases and one of 8 network fragments, with a qemuc.yaml and 8 launch scripts built once
so that `check` finds them fresh, and the N boards flat (merged, as `qemuc resolve` prints them).
Then it prints markdown tables of medians over --runs rounds; a round runs every row of a size
once, in turn, so that the machine's load drifts over qemuc and what it is compared with alike
(each child started by bench/run_measured, which times it and takes its peak RSS from wait4,
forked from a small process, not from Python, whose ~13 MiB a child would count before its
execve):
  - `qemuc validate` of every profile (boards, bases, fragments: one command line) and
    `qemuc check -C repo`, cold and warm, -j 1 and -j 2. Cold: a fresh empty $XDG_CACHE_HOME per
    run, so qemuc's result cache (issue 14) starts empty; warm: one run fills it, the timed runs
    reuse it. The OS page cache is warm for every row: the files were just written.
  - the floor: bench/yaml_load_loop (built by meson) over the same files, YAML::LoadFile and,
    second, yaml-cpp's events only;
  - ajv-cli 5 (`ajv validate --strict=false`, installed from the npm registry into
    ${XDG_CACHE_HOME:-~/.cache}/qemuc-bench on first use) and python3-jsonschema with PyYAML
    (bench/jsonschema_files.py under /usr/bin/python3, for which Debian installs them, used
    three ways from libyaml with one validator to jsonschema.validate() per file; --python-runs
    rounds, only for N <= --python-max: it is slow) on the flat boards,
    against qemuc's own schema (`qemuc schema`); a tool that cannot run gives "skipped: why";
  - `qemuc compile` of one layered board with -O, and `qemuc --version`, next to /bin/true
    (--startup-runs runs, taking turns);
  - `qemuc validate` of the leaf of an `extends` chain at the depth limit (32 files,
    kMaxExtendsDepth in src/layers.h) and of one a tenth as deep (3 files);
  - `qemuc compile` of a profile with 20,000 drives and 2,000 `--set` assignments on them;
then the ratios that issue 14's targets name, each with its target and PASS or MISS ("not run"
when a size it needs was not in --sizes). The first line is the command that made the tables.

100,000 paths on one command line exceed ARG_MAX (a quarter of RLIMIT_STACK: 2 MiB of the usual
8 MiB), so the child's RLIMIT_STACK is raised before exec (bench/perf_run.py) and `validate` gets
every path in one process, as pre-commit would give them.
Every generated file is checked first: each board, base, fragment and flat board validates with
qemuc, a sample of boards resolves byte for byte to its flat version, and every tool must exit 0.
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import perf_repo
import perf_run
from perf_run import (CacheDirs, Row, Skipped, ensure_ajv, measure, measure_interleaved,
                      measure_rows)
from perf_table import PYTHON_ROWS, Report

HERE = os.path.dirname(os.path.abspath(__file__))
CHAIN_DEEP = 32  # kMaxExtendsDepth in src/layers.h: files on one chain, the leaf included
CHAIN_TENTH = 3
DRIVES, SETS = 20000, 2000
DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's python3-jsonschema is for it, not for a pyenv one


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qemuc", default="build/qemuc")
    parser.add_argument("--yaml-load-loop", default="build/bench/yaml_load_loop")
    parser.add_argument("--run-measured", default="build/bench/run_measured")
    parser.add_argument("--sizes", default="1000,10000,100000",
                        type=lambda s: [int(n) for n in s.split(",")])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=200)
    parser.add_argument("--python-max", type=int, default=10000,
                        help="the largest N for python3-jsonschema (7-110x qemuc's time)")
    parser.add_argument("--python-runs", type=int, default=3,
                        help="runs of the python3-jsonschema rows (70 s each at 10,000 files)")
    parser.add_argument("--ref-size", type=int, default=10000, help="the N of the targets")
    parser.add_argument("--large-size", type=int, default=100000, help="N for RSS and time growth")
    parser.add_argument("--jsonschema-python", default=DEBIAN_PYTHON if os.path.exists(
        DEBIAN_PYTHON) else sys.executable, help="the python3 with python3-jsonschema and PyYAML")
    parser.add_argument("--work-dir", help="where to generate (default: a temporary directory)")
    parser.add_argument("--ajv-cache", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "qemuc-bench"))
    parser.add_argument("--npm-timeout", type=int, default=120)
    return parser.parse_args()


def write_list(path, paths):
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(p + "\n" for p in paths))
    return path


def check_inputs(qemuc, root, n):
    """A bench of failing files is meaningless: everything generated must validate."""
    repo = os.path.join(root, "repo")
    measure([qemuc, "validate", *perf_repo.profile_paths(n)], 1, cwd=repo)
    measure([qemuc, "validate", *perf_repo.flat_paths(n)], 1, cwd=root)
    for i in sorted({0, n // 2, n - 1}):
        target = perf_repo.TARGETS[i % perf_repo.BASES % 2]
        resolved = subprocess.run(
            [qemuc, "resolve", "-D", f"out=/srv/out/{target}", "boards/" + perf_repo.board_name(i)],
            cwd=repo, check=True, stdout=subprocess.PIPE).stdout
        with open(os.path.join(root, "flat", perf_repo.board_name(i)), "rb") as f:
            if f.read() != resolved:
                sys.exit(f"bench: flat/{perf_repo.board_name(i)} is not what `qemuc resolve` gives")


def check_depth_limit(qemuc, leaf):
    """The deep chain must be at the limit: one file more is refused."""
    result = subprocess.run([qemuc, "validate", leaf], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 1 or "extends chain too long" not in result.stdout:
        sys.exit(f"bench: a chain of {CHAIN_DEEP + 1} files is not refused; is the depth limit "
                 f"still {CHAIN_DEEP} (kMaxExtendsDepth in src/layers.h)?\n{result.stdout[:500]}")


def size_rows(args, qemuc, root, n, schema, ajv, report):
    """The rows measured at size n, in the order of a round; a tool that cannot run is reported
    as skipped here instead."""
    repo = os.path.join(root, "repo")
    rows = []
    commands = {
        "validate": ([qemuc, "validate"], perf_repo.profile_paths(n)),
        "check": ([qemuc, "check", "-C", repo], []),
    }
    for name, (head, paths) in commands.items():
        for state in ("cold", "warm"):
            for jobs in (1, 2):
                rows.append(Row(f"{name} {state} -j {jobs}", head + ["-j", str(jobs)] + paths,
                                cwd=repo, cache=state))
    files = write_list(os.path.join(root, "profiles.list"),
                       [os.path.join(repo, p) for p in perf_repo.profile_paths(n)])
    rows.append(Row("YAML::LoadFile loop", [args.yaml_load_loop, files]))
    rows.append(Row("yaml-cpp events loop", [args.yaml_load_loop, "--events", files]))
    if isinstance(ajv, Skipped):
        report.add("ajv-cli 5", n, ajv)
    else:
        rows.append(Row("ajv-cli 5", [ajv, "validate", "--strict=false", "-s", schema, "-d",
                                      "flat/*.yaml"], cwd=root))
    flat_list = write_list(os.path.join(root, "flat.list"),
                           [os.path.join(root, p) for p in perf_repo.flat_paths(n)])
    for row, options in PYTHON_ROWS.items():
        if n > args.python_max:
            report.add(row, n, Skipped(f"N > --python-max {args.python_max}"))
            continue
        command = [args.jsonschema_python, os.path.join(HERE, "jsonschema_files.py"), schema,
                   flat_list, *options]
        probe = subprocess.run(command[:2] + [schema, os.devnull], stdout=subprocess.PIPE,
                               text=True)
        if probe.returncode == 77:
            report.add(row, n, Skipped(probe.stdout.strip().removeprefix("skipped: ")))
        else:
            rows.append(Row(row, command, runs=min(args.runs, args.python_runs)))
    return rows


def bench_size(report, args, qemuc, work, n, schema, ajv, last):
    """Generates the trees of size n and measures them."""
    root = os.path.join(work, f"n{n}")
    perf_repo.make_repository(root, n)
    subprocess.run([qemuc, "build", "-C", os.path.join(root, "repo")], check=True,
                   stdout=subprocess.DEVNULL)
    check_inputs(qemuc, root, n)
    rows = size_rows(args, qemuc, root, n, schema, ajv, report)
    for name, measurement in measure_rows(rows, args.runs, CacheDirs(work)).items():
        report.add(name, n, measurement)
    if not last:
        shutil.rmtree(root)  # the last is removed with the work directory, after the tables


def bench_single(report, args, qemuc, work):
    root = os.path.join(work, "single")
    perf_repo.make_repository(root, 1)
    board = os.path.join(root, "repo", "boards", perf_repo.board_name(0))
    compile_board = [qemuc, "compile", "--no-host-checks", "-O", "kvm", "-O", "scratch", board]
    true, version, compiled = measure_interleaved(
        [["/bin/true"], [qemuc, "--version"], compile_board], args.startup_runs)
    report.add("/bin/true", 1, true)
    report.add("qemuc --version", 1, version)
    report.add("compile layered board -O kvm -O scratch", 1, compiled)
    deep = perf_repo.make_chain(os.path.join(root, "deep"), CHAIN_DEEP)
    check_depth_limit(qemuc, perf_repo.make_chain(os.path.join(root, "over"), CHAIN_DEEP + 1))
    tenth = perf_repo.make_chain(os.path.join(root, "tenth"), CHAIN_TENTH)
    deep_run, tenth_run = measure_interleaved(
        [[qemuc, "validate", deep], [qemuc, "validate", tenth]], args.startup_runs)
    report.add(f"validate extends chain of {CHAIN_DEEP}", 1, deep_run)
    report.add(f"validate extends chain of {CHAIN_TENTH}", 1, tenth_run)
    drives = os.path.join(root, "drives.yaml")
    sets = perf_repo.make_many_drives(drives, DRIVES, SETS)
    report.add(f"compile {DRIVES} drives, {SETS} --set", 1, measure(
        [qemuc, "compile", "--no-host-checks", "-f", "args", drives, *sets], args.runs))


def main():
    args = parse_args()
    qemuc = os.path.abspath(args.qemuc)
    args.yaml_load_loop = os.path.abspath(args.yaml_load_loop)
    perf_run.RUN_MEASURED = os.path.abspath(args.run_measured)
    for program in (qemuc, args.yaml_load_loop, perf_run.RUN_MEASURED):
        if not os.access(program, os.X_OK):
            sys.exit(f"bench: {program} is not built (ninja -C build)")
    version = subprocess.run([qemuc, "--version"], check=True, stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    load_before = os.getloadavg()[0]
    report = Report(args.sizes, args.ref_size, args.large_size)
    with tempfile.TemporaryDirectory(prefix="qemuc-perf-", dir=args.work_dir) as work:
        schema = os.path.join(work, "profile.schema.json")
        with open(schema, "w", encoding="utf-8") as f:
            subprocess.run([qemuc, "schema"], check=True, stdout=f)
        ajv = ensure_ajv(args.ajv_cache, args.npm_timeout)
        bench_single(report, args, qemuc, work)
        for k, n in enumerate(args.sizes):
            bench_size(report, args, qemuc, work, n, schema, ajv, last=k == len(args.sizes) - 1)
        # Before the last tree is removed: on a disk mounted with `discard`, unlinking 200,000
        # files takes minutes (--work-dir /dev/shm avoids that).
        command = shlex.join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
        print(f"`{command}`\n\n{version}, {os.cpu_count()} cores (load average "
              f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), medians of "
              f"{args.runs} runs, {args.startup_runs} for the start-up rows.\n")
        print(report.markdown(), flush=True)


if __name__ == "__main__":
    main()
