#!/usr/bin/env python3
"""resolve -> compile round trip on one example board.

usage: roundtrip.py [--expect-mismatch] QEMUC EXAMPLES_DIR BOARD [QEMUC_OPTION...]

BOARD is relative to EXAMPLES_DIR (boards/x64-dev.yaml). QEMUC_OPTION are the layering options
given to both `compile` and `resolve`: `-O NAME`, `-O overlays/kvm.yaml` (a value containing `/` is
a file relative to EXAMPLES_DIR), `--set PATH=VALUE`, `-D NAME=VALUE`.

1. `qemuc compile --no-host-checks -f json BOARD OPTIONS`, run in EXAMPLES_DIR: the expected argv;
2. `qemuc resolve BOARD OPTIONS`, run in EXAMPLES_DIR, written to a temporary file;
3. `qemuc compile --no-host-checks -f json` of that file, run in another (temporary) directory,
   so a relative path left in the resolved profile would resolve differently and show up.
The "argv" arrays of 1 and 3, parsed as JSON, must be equal.

Exit status: 0 equal, 1 different, 2 anything else went wrong. With --expect-mismatch the
comparison is inverted (0 only when both ran and the argv differ): it shows the test can fail.
"""

import json
import os
import subprocess
import sys
import tempfile


def run(argv, cwd):
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"FAILED (exit {proc.returncode}) in {cwd}: {' '.join(argv)}", file=sys.stderr)
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.exit(2)
    return proc.stdout


def argv_of(json_text, what):
    try:
        doc = json.loads(json_text)
    except json.JSONDecodeError as e:
        print(f"{what}: output is not JSON: {e}", file=sys.stderr)
        sys.exit(2)
    argv = doc.get("argv") if isinstance(doc, dict) else None
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        print(f"{what}: no non-empty \"argv\" array of strings", file=sys.stderr)
        sys.exit(2)
    return argv


def main(args):
    expect_mismatch = bool(args) and args[0] == "--expect-mismatch"
    if expect_mismatch:
        args = args[1:]
    if len(args) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    qemuc = os.path.abspath(args[0])
    examples = os.path.abspath(args[1])
    board = args[2]
    options = args[3:]  # relative paths in them are relative to EXAMPLES_DIR, where qemuc runs

    direct = argv_of(run([qemuc, "compile", "--no-host-checks", "-f", "json", board] + options,
                         examples), "compile " + board)
    with tempfile.TemporaryDirectory(prefix="qemuc-roundtrip-") as tmp:
        resolved = os.path.join(tmp, "resolved.yaml")
        with open(resolved, "w", encoding="utf-8") as f:
            f.write(run([qemuc, "resolve", board] + options, examples))
        elsewhere = os.path.join(tmp, "elsewhere")
        os.mkdir(elsewhere)
        again = argv_of(run([qemuc, "compile", "--no-host-checks", "-f", "json",
                             "../resolved.yaml"], elsewhere), "compile of resolve output")
        resolved_text = open(resolved, encoding="utf-8").read()

    label = " ".join([board] + options)
    same = direct == again
    if same:
        print(f"{label}: round trip gives the same argv ({len(direct)} arguments)")
    else:
        print(f"{label}: round trip changes the argv", file=sys.stderr)
        for i in range(max(len(direct), len(again))):
            a = direct[i] if i < len(direct) else "<none>"
            b = again[i] if i < len(again) else "<none>"
            if a != b:
                print(f"  argv[{i}]: compile {a!r} != resolve+compile {b!r}", file=sys.stderr)
        print("resolved profile:\n" + resolved_text, file=sys.stderr)
    if expect_mismatch:
        print("expected a mismatch: " + ("none found" if same else "found"))
        return 1 if same else 0
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
