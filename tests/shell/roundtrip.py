#!/usr/bin/env python3
"""Byte-exact round trip of qemuc's POSIX shell launch script under a real shell.

usage: roundtrip.py QEMUC ARGV_DUMP SHELL [SHELL_ARG...]   run the script under SHELL
       roundtrip.py --shellcheck QEMUC ARGV_DUMP            run shellcheck -s sh on it

A temporary directory gets a profile whose qemu.binary is ARGV_DUMP (writes each argv[i], i >= 1,
plus a NUL to stdout), whose kernel, initrd and drive files have hostile names, and whose
qemu.extra_args, cmdline (one entry per key) and extra kernel arguments hold the hostile values of
notes/shell-systemd-json-qemu-values.md section 7. qemuc compiles it to JSON (parsed by Python's
json: an independent reader) and to launch.sh. Checks:
  1. the JSON argv carries the inputs unchanged (binary, -m, -kernel, -initrd, -drive file= with
     ',' doubled, extra_args just before -append, -append = cmdline + kernel args joined by ' ');
  2. launch.sh: mode 0755, '#!/bin/sh', 'set -eu', an 'exec' line, no 'exec --', no 'pipefail',
     ends with '${1+"$@"}' and a newline, only comments and 'set -eu' before 'exec';
  3. launch.sh spells every argv element as the reference quoting does (SPEC section 6: bare if
     non-empty and only [A-Za-z0-9_@%+=:,./-], else '...' with ' written '\\''), one option and
     its value per line;
  4. SHELL launch.sh, with 0 and with 2 extra arguments ("x y", "it's"), under LC_ALL=C and
     C.UTF-8, makes ARGV_DUMP receive exactly JSON argv[1:] + the extras, compared as bytes.
With --shellcheck, check 2 and 3 still run, then `shellcheck --norc -s sh launch.sh` must exit 0
with no output. Exit status: 0 pass, 1 fail, 77 skip (the shell or shellcheck is not installed).
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

SKIP = 77

# notes/shell-systemd-json-qemu-values.md section 7 (every row except the rejected ones), plus a
# few more of the same kind.
HOSTILE = [
    "plain",
    "",
    "a b",
    "it's",
    "'",
    '"',
    "$HOME",
    "${HOME}",
    "${X}",
    "$X",
    "$",
    "$$",
    "`id`",
    "$(id)",
    "100%",
    "%n",
    "%%",
    "\\",
    "a\\",
    "\\n",
    "\n",
    "a\tb",
    "\r",
    "\x01",
    "\x1b[0m",
    "\x7f",
    ";",
    "\\;",
    "#x",
    "~",
    "*",
    "-",
    "=x",
    " lead",
    "trail ",
    "file=/v/a,b",
    "é",
    "\U0001F600",  # emoji
    "\u2028",
    "!",
    "a\n",
    "x'\\''y",
    "{a,b}",
    "[ab]?",
    "a|b&c>d<e",
]


def _unique_cmdline_keys(values):
    """cmdline entries are keyed by the text before the first '=' and a later entry replaces an
    earlier one with the same key (SPEC section 2.3): "=x" would replace "" (key ""). This test is
    about quoting, not merging, so cmdline keeps only the first entry of each key."""
    seen, kept = set(), []
    for value in values:
        key = value.split("=", 1)[0]
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


CMDLINE = _unique_cmdline_keys(HOSTILE)

# Kernel arguments given after '--' on the qemuc command line.
KERNEL_ARGS = ["k=a b", "it's", "$HOME", "\\"]

EXTRAS = ["x y", "it's"]

# Shell variables a wrongly quoted script would expand; any expansion shows up in the comparison.
SHELL_ENV = {"HOME": "/home-must-not-appear", "X": "x-must-not-appear"}

# Names of files in the temporary directory.
KERNEL_NAME = "ker nel'\"$HOME.bin"     # space, both quotes, $
INITRD_NAME = "init rd $(id) `id`.zbi"  # the initrd path may not hold ',' (SPEC section 3)
DRIVE_NAME = "disk, 100%é's.img"         # ',', space, %, non-ASCII, '
# The profile sits in a directory whose name would run code if a header comment let a newline
# through (the source path is named in the header).
PROFILE_DIR = "src\necho INJECTED; exit 3\n#"

BARE = re.compile(rb"[A-Za-z0-9_@%+=:,./-]+")
NEWLINE_SEP = b" \\\n  "
TAIL = b'${1+"$@"}\n'


class Failure(Exception):
    pass


def reference_quote(word: bytes) -> bytes:
    """SPEC section 6, written independently of qemuc."""
    if BARE.fullmatch(word):
        return word
    return b"'" + word.replace(b"'", b"'\\''") + b"'"


def is_option(word: bytes) -> bool:
    return len(word) > 1 and word.startswith(b"-")


def yaml_string(value: str, interpolates: bool) -> str:
    """A YAML double-quoted scalar that qemuc reads as value: a JSON string is one.
    ensure_ascii=False keeps non-ASCII raw (yaml-cpp does not combine the \\ud83d\\ude00 surrogate
    pairs that ensure_ascii=True would write); json.dumps still escapes '"', '\\' and all of
    U+0000-U+001F. When qemuc interpolates ${name} (SPEC section 2.2), '${' is written '$${'."""
    written = value.replace("${", "$${") if interpolates else value
    text = json.dumps(written, ensure_ascii=False)
    assert json.loads(text) == written
    return text


def detect_interpolation(qemuc: str, tmp: str) -> bool:
    """Whether this qemuc expands ${name} in profile strings (SPEC section 2.2; not every version
    does yet). The hostile values contain '${HOME}', which must stay literal either way."""
    path = os.path.join(tmp, "interpolation-probe.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write('vars: {probe: expanded}\nqemu: {binary: /x/qemu, target: x86_64, memory: 256, '
                'kernel: /x/k}\ncmdline: ["${probe}"]\n')
    cmd = [qemuc, "compile", "--no-host-checks", "-f", "json", path]
    result = run(cmd, tmp)
    os.remove(path)
    if result.returncode != 0:
        raise Failure("qemuc failed on the interpolation probe\n" + describe(cmd, result))
    try:
        append = json.loads(result.stdout.decode("utf-8"))["argv"][-1]
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise Failure("interpolation probe: unreadable JSON ({})\n".format(e) + describe(cmd, result))
    if append not in ("expanded", "${probe}"):
        raise Failure("interpolation probe: -append is {!r}, expected 'expanded' or "
                      "'${{probe}}'".format(append))
    return append == "expanded"


def write_profile(path: str, argv_dump: str, kernel: str, initrd: str, drive: str,
                  interpolates: bool) -> None:
    def q(value: str) -> str:
        return yaml_string(value, interpolates)

    lines = [
        "# Generated by tests/shell/roundtrip.py.",
        "qemu:",
        "  binary: " + q(argv_dump),
        "  target: x86_64",
        "  memory: 256",
        "  kernel: " + q(kernel),
        "  initrd: " + q(initrd),
        "  drives:",
        "    - id: d0",
        "      file: " + q(drive),
        "  extra_args:",
    ]
    lines += ["    - " + q(v) for v in HOSTILE]
    lines.append("cmdline:")
    lines += ["  - " + q(v) for v in CMDLINE]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def run(cmd, cwd, env=None):
    return subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)


def describe(cmd, result) -> str:
    return "command {!r} exited {}\n--- stdout:\n{}\n--- stderr:\n{}".format(
        cmd, result.returncode, result.stdout[:4000].decode("utf-8", "backslashreplace"),
        result.stderr[:4000].decode("utf-8", "backslashreplace"))


def element_diff(expected, actual) -> str:
    out = ["expected {} elements, got {}".format(len(expected), len(actual))]
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else None
        a = actual[i] if i < len(actual) else None
        mark = "  ok  " if e == a else "  DIFF"
        line = "{} [{}] expected {!r}".format(mark, i, e)
        if e != a:
            line += "\n         got      {!r}".format(a)
        out.append(line)
    return "\n".join(out)


def compile_profile(qemuc: str, argv_dump: str, tmp: str):
    """Writes the files and the profile, runs qemuc twice; returns (argv as bytes, script bytes)."""
    kernel = os.path.join(tmp, KERNEL_NAME)
    initrd = os.path.join(tmp, INITRD_NAME)
    drive = os.path.join(tmp, DRIVE_NAME)
    for path in (kernel, initrd, drive):
        with open(path, "wb") as f:
            f.write(b"\0")
    os.mkdir(os.path.join(tmp, PROFILE_DIR))
    profile = os.path.join(PROFILE_DIR, "profile.yaml")  # relative to tmp, the cwd of qemuc
    interpolates = detect_interpolation(qemuc, tmp)
    print("ok: this qemuc {} ${{name}}; '${{' is written {!r} in the profile".format(
        "interpolates" if interpolates else "does not interpolate", "$${" if interpolates else "${"))
    write_profile(os.path.join(tmp, profile), argv_dump, kernel, initrd, drive, interpolates)

    json_cmd = [qemuc, "compile", "-f", "json", profile, "--"] + KERNEL_ARGS
    result = run(json_cmd, tmp)
    if result.returncode != 0 or result.stderr:
        raise Failure("qemuc -f json failed or warned\n" + describe(json_cmd, result))
    try:
        document = json.loads(result.stdout.decode("utf-8"))
    except ValueError as e:
        raise Failure("qemuc -f json printed invalid JSON: {}\n{!r}".format(e, result.stdout))
    argv_text = document.get("argv") if isinstance(document, dict) else None
    if not isinstance(argv_text, list) or not all(isinstance(a, str) for a in argv_text):
        raise Failure("JSON has no argv list of strings: {!r}".format(document))
    try:
        argv = [a.encode("utf-8") for a in argv_text]
    except UnicodeEncodeError as e:
        raise Failure("JSON argv is not valid Unicode (lone surrogate?): {}".format(e))
    check_json_argv(argv, argv_dump, kernel, initrd, drive)

    script_cmd = [qemuc, "compile", "-f", "shell", "-o", "launch.sh", profile, "--"] + KERNEL_ARGS
    result = run(script_cmd, tmp)
    if result.returncode != 0 or result.stderr or result.stdout:
        raise Failure("qemuc -f shell -o failed or printed something\n" + describe(script_cmd, result))
    script_path = os.path.join(tmp, "launch.sh")
    with open(script_path, "rb") as f:
        script = f.read()
    mode = stat.S_IMODE(os.stat(script_path).st_mode)
    if mode != 0o755:
        raise Failure("launch.sh has mode {:o}, expected 755".format(mode))
    return argv, script


def check_json_argv(argv, argv_dump, kernel, initrd, drive) -> None:
    """The JSON argv carries the profile's values unchanged (else a round trip against it proves
    little)."""
    enc = [s.encode("utf-8") for s in (argv_dump, kernel, initrd, drive)]
    problems = []

    def value_after(option: bytes):
        positions = [i for i, a in enumerate(argv) if a == option]
        if len(positions) != 1 or positions[0] + 1 >= len(argv):
            problems.append("expected one {!r} with a value, found it at {}".format(option, positions))
            return None
        return argv[positions[0] + 1]

    if argv[0] != enc[0]:
        problems.append("argv[0] is {!r}, expected the argv_dump path {!r}".format(argv[0], enc[0]))
    for option, want in ((b"-m", b"256"), (b"-kernel", enc[1]), (b"-initrd", enc[2])):
        got = value_after(option)
        if got is not None and got != want:
            problems.append("{!r} has {!r}, expected {!r}".format(option, got, want))
    drive_opt = value_after(b"-drive")
    want_file = b"file=" + enc[3].replace(b",", b",,") + b","
    if drive_opt is not None and want_file not in drive_opt:
        problems.append("-drive value {!r} does not contain {!r} (',' doubled)".format(drive_opt, want_file))
    append = [s.encode("utf-8") for s in CMDLINE + KERNEL_ARGS]
    want_tail = [s.encode("utf-8") for s in HOSTILE] + [b"-append", b" ".join(append)]
    if argv[-len(want_tail):] != want_tail:
        problems.append("the argv does not end with extra_args, then -append and the kernel "
                        "command line\n" + element_diff(want_tail, argv[-len(want_tail):]))
    if problems:
        raise Failure("JSON argv does not carry the profile's values:\n" + "\n".join(problems))


def check_script(script: bytes, argv) -> None:
    """Shape (SPEC section 6, notes section 1) and the reference quoting of every element."""
    problems = []
    if not script.startswith(b"#!/bin/sh\n"):
        problems.append("does not start with '#!/bin/sh' and a newline")
    if b"\nset -eu\n" not in script:
        problems.append("has no 'set -eu' line")
    if b"exec --" in script:
        problems.append("contains 'exec --' (dash and posh run '--' as the command)")
    if b"pipefail" in script:
        problems.append("contains 'pipefail' (dash and posh reject it)")
    if not script.endswith(b" \\\n  " + TAIL):
        problems.append("does not end with a last line '  ${1+\"$@\"}' and a newline")
    start = script.find(b"\nexec ")
    if start < 0:
        problems.append("has no line starting with 'exec '")
    if problems:
        raise Failure("launch.sh: " + "; ".join(problems) + "\n" + script.decode("utf-8", "backslashreplace"))

    # Before exec: only comments and 'set -eu' (a newline escaping a header comment would run code).
    for line in script[:start].split(b"\n")[1:]:
        if not line.startswith(b"#") and line != b"set -eu":
            raise Failure("launch.sh runs something before exec: {!r}".format(line))

    # The exec command: "exec " quote(argv[0]), then per element a separator (" " after an option,
    # else backslash-newline and two spaces) and quote(element), then the tail.
    pos = start + 1
    expected_text = b"exec " + reference_quote(argv[0])
    if not script.startswith(expected_text, pos):
        raise Failure("launch.sh: exec line starts {!r}, expected {!r}".format(
            script[pos:pos + len(expected_text) + 20], expected_text))
    pos += len(expected_text)
    grouping = []
    for i in range(1, len(argv)):
        if script.startswith(NEWLINE_SEP, pos):
            joined = False
            pos += len(NEWLINE_SEP)
        elif script.startswith(b" ", pos):
            joined = True
            pos += 1
        else:
            raise Failure("launch.sh: no separator before argv[{}] {!r} at byte {}: {!r}".format(
                i, argv[i], pos, script[pos:pos + 40]))
        want = reference_quote(argv[i])
        if not script.startswith(want, pos):
            raise Failure("launch.sh quotes argv[{}] {!r} differently from SPEC section 6:\n"
                          "  expected {!r}\n  found    {!r}...".format(
                              i, argv[i], want, script[pos:pos + len(want) + 20]))
        pos += len(want)
        should_join = is_option(argv[i - 1]) and not is_option(argv[i])
        if joined != should_join:
            grouping.append("argv[{}] {!r} after {!r} is {} the previous line".format(
                i, argv[i], argv[i - 1], "on" if joined else "not on"))
    if script[pos:] != NEWLINE_SEP + TAIL:
        raise Failure("launch.sh: after the last element expected {!r}, found {!r}".format(
            NEWLINE_SEP + TAIL, script[pos:]))
    if grouping:
        raise Failure("launch.sh does not put one option and its value per line:\n  " +
                      "\n  ".join(grouping))


def round_trip(shell, tmp: str, argv) -> None:
    failures = []
    for locale in ("C", "C.UTF-8"):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": locale}
        env.update(SHELL_ENV)
        for extras in ([], EXTRAS):
            cmd = list(shell) + ["launch.sh"] + extras
            result = run(cmd, tmp, env)
            label = "{} with {} extra argument(s), LC_ALL={}".format(" ".join(shell), len(extras), locale)
            if result.returncode != 0 or result.stderr:
                failures.append(label + ": " + describe(cmd, result))
                continue
            expected = argv[1:] + [e.encode("utf-8") for e in extras]
            out = result.stdout
            if not out.endswith(b"\0"):
                failures.append("{}: output does not end with NUL: {!r}".format(label, out[-100:]))
                continue
            actual = out[:-1].split(b"\0")
            if actual != expected:
                failures.append("{}: argv differs\n{}".format(label, element_diff(expected, actual)))
            else:
                print("ok: {}: {} elements byte-identical".format(label, len(expected)))
    if failures:
        raise Failure("\n\n".join(failures))


def shellcheck(tmp: str) -> None:
    cmd = ["shellcheck", "--norc", "-s", "sh", "launch.sh"]
    result = run(cmd, tmp)
    if result.returncode != 0 or result.stdout or result.stderr:
        raise Failure("shellcheck found something\n" + describe(cmd, result))
    print("ok: shellcheck --norc -s sh: no findings")


def main(args) -> int:
    check_shellcheck = bool(args) and args[0] == "--shellcheck"
    if check_shellcheck:
        args = args[1:]
    if len(args) < 2 or (check_shellcheck and len(args) != 2) or (not check_shellcheck and len(args) < 3):
        print(__doc__, file=sys.stderr)
        return 2
    qemuc, argv_dump = os.path.abspath(args[0]), os.path.abspath(args[1])
    shell = args[2:]
    if check_shellcheck:
        if shutil.which("shellcheck") is None:
            print("SKIP: shellcheck not installed (scripts/setup --test installs it)")
            return SKIP
    elif shutil.which(shell[0]) is None:
        print("SKIP: {} not installed (scripts/setup --test installs it)".format(shell[0]))
        return SKIP

    tmp = tempfile.mkdtemp(prefix="qemuc-shell-")
    try:
        argv, script = compile_profile(qemuc, argv_dump, tmp)
        print("ok: JSON argv carries the profile's values ({} elements)".format(len(argv)))
        check_script(script, argv)
        print("ok: launch.sh shape, quoting and line grouping")
        if check_shellcheck:
            shellcheck(tmp)
        else:
            round_trip(shell, tmp, argv)
    except Failure as e:
        print("FAIL: " + str(e))
        return 1
    finally:
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
