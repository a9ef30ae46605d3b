#!/usr/bin/env python3
"""Every kind of character that --depfile writes comes back exactly from ninja and GNU make.

usage: readers.py QEMUC

A board extends one parent in each of many directories, each named with characters that
src/depfile.h says are written as they are or escaped (a space, '#', '$', '%', ':', ',', a
backslash, brackets, parentheses, non-ASCII, ...). `qemuc compile --depfile` writes the depfile;
then
- ninja (`deps = gcc`, as meson uses) must record exactly the files read: `ninja -t deps`;
- make, given the depfile by `-include`, must find the script up to date when every file is
  older than it, and out of date when any single one of them is newer (mtimes set with
  os.utime): a name make misread would be a file it cannot find, or another file.
Characters that cannot be written are refused by qemuc: exit 1, nothing written.

Exit 77 (skipped) only when ninja or make is missing.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile

ACCEPTED = ["sp ace", "h#sh", "d$llar", "$$", "per%cent", "co:lon", "com,ma", "(paren)",
            "x(y)z", "{brace}", "at@", "bang!", "é€ü", "back\\slash", "two\\\\back", "]x[",
            "~tilde", "plus+", "-dash", "ti~", "a: b#c $d"]
REFUSED = ["quo'te", 'dquo"te', "amp&", "ques?", "st*r", "semi;", "pi|pe", "lt<", "gt>",
           "car^et", "back`quote", "eq=ual", "ta\tb", "line\nbreak", "[ab]", "sp\\ ace"]
PARENT = "abstract: true\nqemu: {target: x86_64, memory: 64, kernel: /k}\n"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)


def write_board(top, directories):
    for directory in directories:
        os.makedirs(os.path.join(top, directory))
        with open(os.path.join(top, directory, "base.yaml"), "w") as f:
            f.write(PARENT)
    parents = ", ".join(
        '"%s/base.yaml"' % d.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        .replace("\n", "\\n") for d in directories)
    with open(os.path.join(top, "board.yaml"), "w") as f:
        f.write("extends: [%s]\n" % parents)
    return [os.path.join(top, "board.yaml")] + [
        os.path.join(top, d, "base.yaml") for d in directories]


def with_ninja(qemuc, top, expected):
    command = shlex.join([qemuc, "compile", "board.yaml", "--no-host-checks"])
    with open(os.path.join(top, "build.ninja"), "w") as f:
        f.write("rule qemuc\n  command = %s -o $out --depfile $out.d\n"
                "  depfile = $out.d\n  deps = gcc\nbuild ninja.sh: qemuc\n"
                % command.replace("$", "$$"))
    result = run(["ninja"], top)
    if result.returncode != 0:
        fail("ninja: %s" % result.stdout.decode(errors="replace"))
    listed = run(["ninja", "-t", "deps", "ninja.sh"], top).stdout.decode()
    recorded = [line[4:] for line in listed.splitlines() if line.startswith("    ")]
    if recorded != expected:
        fail("ninja recorded\n  %s\ninstead of\n  %s" % ("\n  ".join(map(repr, recorded)),
                                                       "\n  ".join(map(repr, expected))))
    print("ok: ninja records exactly the %d files read" % len(expected))


def with_make(qemuc, top, expected):
    result = run([qemuc, "compile", "board.yaml", "--no-host-checks", "-o", "make.sh",
                  "--depfile", "make.sh.d"], top)
    if result.returncode != 0:
        fail("compile --depfile: %s" % result.stdout.decode(errors="replace"))
    with open(os.path.join(top, "Makefile"), "w") as f:
        f.write("make.sh:\n\tfalse\n-include make.sh.d\n")
    script_mtime = os.stat(os.path.join(top, "make.sh")).st_mtime
    for path in expected:
        os.utime(path, (script_mtime - 100, script_mtime - 100))

    def up_to_date():
        return run(["make", "-q", "make.sh"], top).returncode == 0

    if not up_to_date():
        fail("make: the script is out of date with every file older than it:\n"
             + open(os.path.join(top, "make.sh.d")).read())
    for path in expected:
        os.utime(path, (script_mtime + 100, script_mtime + 100))
        if up_to_date():
            fail("make: the script is up to date though %r is newer" % path)
        os.utime(path, (script_mtime - 100, script_mtime - 100))
    print("ok: make reads each of the %d files read, and nothing else" % len(expected))


def refused(qemuc, top):
    for name in REFUSED:
        board = os.path.join(top, "refused")
        shutil.rmtree(board, ignore_errors=True)
        os.makedirs(board)
        write_board(board, [name])
        result = run([qemuc, "compile", "board.yaml", "--no-host-checks", "-o", "x.sh",
                      "--depfile", "x.d"], board)
        message = result.stdout.decode("utf-8", "replace")
        if result.returncode != 1 or "in a depfile: " not in message:
            fail("a directory named %r: status %d: %s" % (name, result.returncode, message))
        if os.path.exists(os.path.join(board, "x.sh")) or os.path.exists(
                os.path.join(board, "x.d")):
            fail("a directory named %r: something was written" % name)
    print("ok: %d kinds of names no depfile can hold are refused, nothing written"
          % len(REFUSED))


def main():
    qemuc = os.path.abspath(sys.argv[1])
    missing = [tool for tool in ("ninja", "make") if shutil.which(tool) is None]
    if missing:
        print("SKIP: %s not installed" % " and ".join(missing))
        sys.exit(77)
    top = tempfile.mkdtemp(prefix="qemuc-depfile-readers-")
    try:
        expected = write_board(os.path.join(top, "accepted"), ACCEPTED)
        with_ninja(qemuc, os.path.join(top, "accepted"), expected)
        with_make(qemuc, os.path.join(top, "accepted"), expected)
        refused(qemuc, top)
    finally:
        shutil.rmtree(top)


if __name__ == "__main__":
    main()
