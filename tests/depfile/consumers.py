#!/usr/bin/env python3
"""compile --depfile read by its real consumers: meson + ninja, and GNU make (SPEC §8, issue 11).

usage: consumers.py QEMUC

In a temporary directory whose path holds a space, '#' and '$' (escaped in the depfile as
`\\ `, `\\#` and `$$`), a board extends a base that extends a grandparent, beside an unrelated
YAML file. A meson project's custom_target and a Makefile each generate the board's launch
script with `qemuc compile board.yaml --no-host-checks -o OUT --depfile DEPFILE`. For each
consumer: a rebuild after the build does nothing; changing the grandparent regenerates the
script with the new content; touching the unrelated file regenerates nothing; deleting the base
after the board stops extending it rebuilds instead of failing (the depfile's empty rules, as
gcc -MP).

Touching a file sets its mtime explicitly (os.utime) to the file system's clock once that clock
is past the script's mtime, then waits until the clock is past the touched file's: the file is
then newer than the script and the script written next newer than the file, whatever the clock's
granularity. (A time far in the future would leave the rebuilt script older than its input, and so
always out of date; moving the script into the past instead is undone by meson's `restat`, which
makes ninja compare with the mtime in its build log.)
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

GRANDPARENT = "abstract: true\nqemu: {target: x86_64, memory: %d, kernel: /k}\n"
BASE = "abstract: true\nextends: 'grand #1.yaml'\ncmdline: [quiet]\n"
BOARD = "extends: base $x.yaml\nqemu: {cpus: 2}\n"
BOARD_WITHOUT_BASE = "extends: 'grand #1.yaml'\nqemu: {cpus: 2}\n"

MESON_BUILD = """project('qemuc-depfile-test', meson_version : '>=0.56')
custom_target('launch',
  input : 'profiles/board.yaml',
  output : 'board.sh',
  depfile : 'board.sh.d',
  command : [%s, 'compile', '@INPUT@', '--no-host-checks', '-o', '@OUTPUT@',
             '--depfile', '@DEPFILE@'],
  build_by_default : true)
"""

# Tabs are part of make's syntax: the recipe line starts with one.
MAKEFILE = """board.sh:
\t%s compile profiles/board.yaml --no-host-checks -o board.sh --depfile board.sh.d
-include board.sh.d
"""


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(args, cwd=None):
    result = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=120)
    return result.returncode, result.stdout


def must(args, cwd=None):
    status, output = run(args, cwd)
    if status != 0:
        fail("%s exited %d:\n%s" % (shlex.join(args), status, output))
    return output


def meson_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def file_system_now(directory):
    """The file system's clock: the mtime of a file written now."""
    probe = os.path.join(directory, "clock probe")
    with open(probe, "w"):
        pass
    now = os.stat(probe).st_mtime_ns
    os.remove(probe)
    return now


def later_than(directory, mtime):
    """Waits until the file system's clock is past `mtime` (a coarse clock ticks every few ms)."""
    now = file_system_now(directory)
    while now <= mtime:
        time.sleep(0.005)
        now = file_system_now(directory)
    return now


def touch(path, script):
    """Makes `path` newer than `script`, and anything written from now on newer than `path`."""
    directory = os.path.dirname(os.path.dirname(path))
    now = later_than(directory, os.stat(script).st_mtime_ns)
    os.utime(path, ns=(now, now))
    later_than(directory, now)


def write_tree(top, memory):
    profiles = os.path.join(top, "profiles")
    os.makedirs(profiles, exist_ok=True)
    files = {"grand #1.yaml": GRANDPARENT % memory, "base $x.yaml": BASE, "board.yaml": BOARD,
             "unrelated.yaml": "abstract: true\nqemu: {cpus: 1}\n"}
    for name, text in files.items():
        with open(os.path.join(profiles, name), "w") as f:
            f.write(text)
    return profiles


class Consumer:
    """One build system: how to build, how to ask whether work is pending, where the script is."""

    def __init__(self, name, build, pending, script):
        self.name, self.build, self.pending, self.script = name, build, pending, script

    def expect_nothing_to_do(self, why):
        if self.pending():
            fail("%s: %s, yet work is pending" % (self.name, why))
        before = os.stat(self.script).st_mtime_ns
        self.build()
        if os.stat(self.script).st_mtime_ns != before:
            fail("%s: %s, yet the script was written again" % (self.name, why))

    def expect_rebuilt(self, why, text):
        if not self.pending():
            fail("%s: %s, yet no work is pending" % (self.name, why))
        self.build()
        with open(self.script) as f:
            script = f.read()
        if text not in script:
            fail("%s: %s, yet the script lacks %r:\n%s" % (self.name, why, text, script))


def exercise(consumer, profiles):
    consumer.build()
    consumer.expect_nothing_to_do("nothing changed since the build")
    with open(os.path.join(profiles, "grand #1.yaml"), "w") as f:
        f.write(GRANDPARENT % 192)
    touch(os.path.join(profiles, "grand #1.yaml"), consumer.script)
    consumer.expect_rebuilt("the grandparent changed", "-m 192")
    print("ok: %s regenerates the script when its grandparent changes" % consumer.name)
    touch(os.path.join(profiles, "unrelated.yaml"), consumer.script)
    consumer.expect_nothing_to_do("only an unrelated file was touched")
    print("ok: %s regenerates nothing when an unrelated file is touched" % consumer.name)
    with open(os.path.join(profiles, "board.yaml"), "w") as f:
        f.write(BOARD_WITHOUT_BASE)
    touch(os.path.join(profiles, "board.yaml"), consumer.script)
    os.remove(os.path.join(profiles, "base $x.yaml"))
    consumer.expect_rebuilt("the board no longer extends the deleted base", "-m 192")
    consumer.expect_nothing_to_do("nothing changed since the build without the base")
    print("ok: %s rebuilds, not fails, when a parent is deleted" % consumer.name)


def with_meson(qemuc, top):
    profiles = write_tree(top, 128)
    with open(os.path.join(top, "meson.build"), "w") as f:
        f.write(MESON_BUILD % meson_string(qemuc))
    build = os.path.join(top, "build")
    must(["meson", "setup", build, top])
    consumer = Consumer("meson+ninja", lambda: must(["ninja", "-C", build]),
                        lambda: "no work to do" not in must(["ninja", "-C", build, "-n"]),
                        os.path.join(build, "board.sh"))
    consumer.build()
    with open(consumer.script) as f:
        if "-m 128" not in f.read():
            fail("meson+ninja: the first build did not write the grandparent's memory")
    exercise(consumer, profiles)


def with_make(qemuc, top):
    profiles = write_tree(top, 128)
    with open(os.path.join(top, "Makefile"), "w") as f:
        f.write(MAKEFILE % shlex.quote(qemuc).replace("$", "$$"))
    make = ["make", "--no-print-directory", "-C", top]
    consumer = Consumer("make", lambda: must(make),
                        lambda: run(make + ["-q"])[0] != 0, os.path.join(top, "board.sh"))
    exercise(consumer, profiles)
    with open(os.path.join(top, "board.sh.d")) as f:
        depfile = f.read()
    if "grand\\ \\#1.yaml" not in depfile:
        fail("make: the depfile does not escape the grandparent's name:\n" + depfile)


def main():
    qemuc = os.path.abspath(sys.argv[1])
    missing = [tool for tool in ("meson", "ninja") if shutil.which(tool) is None]
    if missing:
        print("SKIP: %s not installed" % " and ".join(missing))
        sys.exit(77)
    top = tempfile.mkdtemp(prefix="qemuc depfile #1 $x ")
    try:
        with_meson(qemuc, os.path.join(top, "meson project"))
        if shutil.which("make") is None:
            print("skipped: GNU make is not installed, only meson+ninja were tried")
        else:
            with_make(qemuc, os.path.join(top, "make project"))
    finally:
        shutil.rmtree(top)


if __name__ == "__main__":
    main()
