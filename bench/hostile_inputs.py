#!/usr/bin/env python3
"""The hostile inputs of issue 10, at the sizes the issue reported, through a qemuc binary.

usage: bench/hostile_inputs.py [QEMUC] [--runs N] [--timeout S]
       (default build/qemuc, 5 runs, each killed after 60 s: an older qemuc may never end)

For each input: the exit status, the median CPU time (user + system) and wall time of N runs,
the largest peak RSS, and the bytes written to standard error. Before the hardening these
crashed (SIGSEGV, bad_alloc), ran for 10 to 150 s, or wrote 115 MB to stderr; now each must be
exit 1 in well under a second. A negative exit is the signal that ended the run (-9: killed
at the timeout). CPU time is quoted beside wall time because this machine is
shared: it moves less with the load of other processes.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

VM = "qemu: {target: x86_64, memory: 64, kernel: /k}\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def variable_chain(d):
    """20,000 variables, each the next one's ${...} (was: stack overflow)."""
    n = 20000
    write(f"{d}/p.yaml", "vars:\n" + "".join(f"  v{i}: ${{v{i + 1}}}\n" for i in range(n)) +
          f"  v{n}: end\n" + VM)
    return ["validate", "p.yaml"]


def extends_chain(d):
    """An extends chain of 20,000 one-line files (was: stack overflow)."""
    n = 20000
    for i in range(n):
        write(f"{d}/c{i}.yaml", f"extends: c{i + 1}.yaml\n")
    write(f"{d}/c{n}.yaml", "abstract: true\n")
    write(f"{d}/p.yaml", "extends: c0.yaml\n" + VM)
    return ["validate", "p.yaml"]


def doubling_variables(d):
    """848 bytes: aN is ${aN-1}${aN-1} up to a40 (was: memory until bad_alloc)."""
    write(f"{d}/p.yaml", "vars:\n  a0: x\n" + "".join(
        f'  a{i}: "${{a{i - 1}}}${{a{i - 1}}}"\n' for i in range(1, 41)) + VM)
    return ["validate", "p.yaml"]


def aliased_string(d):
    """One 600 kB anchored string aliased 43,000 times (was: 145 s, then abort at 8 GiB)."""
    write(f"{d}/p.yaml", "vars:\n  big: &s " + "x" * 600000 + "\n" + VM +
          "cmdline: [" + ", ".join(["*s"] * 43000) + "]\n")
    return ["validate", "p.yaml"]


def drives_on_one_line(d):
    """30,000 drives in one flow line, the last with a bad id (was: 13.6 s)."""
    drives = ", ".join(f"{{id: d{i}, file: /x{i}}}" for i in range(30000))
    write(f"{d}/p.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k, drives: [" + drives +
          ", {id: 9bad, file: /y}]}\n")
    return ["validate", "p.yaml"]


def long_unknown_name(d):
    """An unknown key of 100,000 characters: "did you mean" (was: 49 s)."""
    write(f"{d}/p.yaml", VM + "c" * 100000 + ": 1\n")
    return ["validate", "p.yaml"]


def many_sets(d):
    """8,000 --set, each a variable, then a bad one (was: 14 s)."""
    write(f"{d}/p.yaml", VM)
    sets = [a for i in range(8000) for a in ("--set", f"vars.v{i}=x")]
    return ["compile", "--no-host-checks", "p.yaml"] + sets + ["--set", "qemu.cpus=0"]


def unknown_keys_on_one_line(d):
    """3,000 unknown keys on one 26 kB line (was: 115 MB of stderr)."""
    write(f"{d}/p.yaml", "qemu: {target: x86_64, memory: 64, kernel: /k, " +
          ", ".join(f"k{i}: 1" for i in range(3000)) + "}\n")
    return ["validate", "p.yaml"]


CASES = [variable_chain, extends_chain, doubling_variables, aliased_string, drives_on_one_line,
         long_unknown_name, many_sets, unknown_keys_on_one_line]


def run_once(qemuc, args, cwd, timeout):
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([qemuc] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err,
                                 env=dict(os.environ, NO_COLOR="1"))
        # wait4 reaps the child itself, for its usage; a timer kills it if it never ends.
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # so that the timer kills nothing
        timer.cancel()
        wall = time.monotonic() - start
        err.seek(0, os.SEEK_END)
        return (child.returncode, usage.ru_utime + usage.ru_stime, wall,
                usage.ru_maxrss, err.tell())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qemuc", nargs="?", default="build/qemuc")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    qemuc = os.path.abspath(options.qemuc)
    print(f"{'input':26} {'exit':>4} {'CPU s':>7} {'wall s':>7} {'max RSS':>9} {'stderr':>8}")
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="qemuc-hostile-") as d:
            args = case(d)
            runs = [run_once(qemuc, args, d, options.timeout) for _ in range(options.runs)]
        statuses = sorted({r[0] for r in runs})
        print(f"{case.__name__:26} {'/'.join(map(str, statuses)):>4} "
              f"{statistics.median(r[1] for r in runs):7.3f} "
              f"{statistics.median(r[2] for r in runs):7.3f} "
              f"{max(r[3] for r in runs) // 1024:6d} MB {max(r[4] for r in runs):8d}")


if __name__ == "__main__":
    sys.exit(main())
