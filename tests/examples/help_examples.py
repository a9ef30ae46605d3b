#!/usr/bin/env python3
"""Every command's --help ends with two or three examples, and every example works (issue 15).

usage: tests/examples/help_examples.py QEMUC EXAMPLES_DIR

For each command `qemuc --help` lists (hidden ones are not listed), `qemuc help CMD` and
`qemuc CMD --help` print the same text, which ends with an "examples" section of 2 or 3 command
lines, each with one line saying what it does. Each example then runs under /bin/sh in a fresh
copy of examples/, with qemuc first on PATH, the build output the examples name (out/x86_64/...)
as empty files, and a stub qemu-system-x86_64 that prints its arguments (run execs it):
  - it must exit 0, except qmp-powerdown, which must exit 1 with its own message (no VM here);
  - an example that needs a tool that is missing (Graphviz's dot) is skipped, saying so.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from qemuc_help import commands  # noqa: E402

EXAMPLE_HEADER = "examples (in the examples/ directory that comes with qemuc):"
BUILD_OUTPUT = ["out/x86_64/multiboot.bin", "out/x86_64/fuchsia.zbi", "out/x86_64/fvm.blk",
                "out/x86_64/scratch.blk"]
STUB_QEMU = '#!/bin/sh\necho "stub qemu-system-x86_64 given $# arguments"\n'
TOOLS = {"dot": "Graphviz (Debian: graphviz)", "python3": "python3"}


def examples_of(qemuc, command, failures):
    """The (command line, what) pairs of `qemuc help COMMAND`."""
    text = subprocess.run([qemuc, "help", command], check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    same = subprocess.run([qemuc, command, "--help"], stdout=subprocess.PIPE, text=True).stdout
    if same != text:
        failures.append(f"`qemuc {command} --help` differs from `qemuc help {command}`")
    if EXAMPLE_HEADER not in text:
        failures.append(f"`qemuc help {command}` has no examples section")
        return []
    section = text.rsplit(EXAMPLE_HEADER + "\n", 1)[1]
    lines = section.splitlines()
    pairs = [(lines[k].removeprefix("  "), lines[k + 1].strip()) for k in range(0, len(lines), 2)]
    if not 2 <= len(pairs) <= 3 or any(not re.match(r"  qemuc \S", line) for line in lines[::2]):
        failures.append(f"`qemuc help {command}` ends with {len(pairs)} examples, not 2 or 3 "
                        f"of the form '  qemuc ...' then what it does:\n{section}")
    return pairs


def fresh_tree(root, examples_dir, qemuc):
    shutil.copytree(examples_dir, os.path.join(root, "examples"))
    for path in BUILD_OUTPUT:
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        open(os.path.join(root, path), "w").close()
    bin_dir = os.path.join(root, "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(qemuc), os.path.join(bin_dir, "qemuc"))
    stub = os.path.join(bin_dir, "qemu-system-x86_64")
    with open(stub, "w") as f:
        f.write(STUB_QEMU)
    os.chmod(stub, 0o755)
    # qmp-powerdown's examples ask a VM that is not there: a PID that has just ended.
    child = subprocess.Popen(["true"])
    child.wait()
    os.makedirs(os.path.join(root, "examples", "out"), exist_ok=True)
    with open(os.path.join(root, "examples", "out", "test-vm.pid"), "w") as f:
        f.write(f"{child.pid}\n")
    return bin_dir


def run_example(qemuc, examples_dir, command, line, failures):
    if re.search(r"\b(kill|rm|sudo)\b", line):
        failures.append(f"`{line}` would be run by this test: no kill, rm or sudo in examples")
        return
    missing = [tool for tool in TOOLS if re.search(rf"\| *{tool}\b", line)
               and shutil.which(tool) is None]
    if missing:
        print(f"skipped: `{line}`: {TOOLS[missing[0]]} not installed")
        return
    with tempfile.TemporaryDirectory(prefix="qemuc-help-examples-") as root:
        bin_dir = fresh_tree(root, examples_dir, qemuc)
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                   XDG_CACHE_HOME=os.path.join(root, "cache"))
        result = subprocess.run(["/bin/sh", "-c", line], cwd=os.path.join(root, "examples"),
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    expected = 1 if command == "qmp-powerdown" else 0
    ok = result.returncode == expected
    if command == "qmp-powerdown":
        ok = ok and result.stderr.startswith("qemuc: qmp-powerdown: ")
    print(f"{'ok' if ok else 'FAIL'}: `{line}` exited {result.returncode}")
    if not ok:
        failures.append(f"`{line}` exited {result.returncode}, not {expected}:\n"
                        f"{result.stdout[-500:]}{result.stderr[-1000:]}")


def main():
    qemuc, examples_dir = sys.argv[1:3]
    failures = []
    listed = commands(qemuc)
    if len(listed) < 10:
        failures.append(f"`qemuc --help` lists only {listed}")
    for command in listed:
        for line, what in examples_of(qemuc, command, failures):
            if not what:
                failures.append(f"`{line}` says nothing about what it does")
            run_example(qemuc, examples_dir, command, line, failures)
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
