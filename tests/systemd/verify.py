#!/usr/bin/env python3
"""systemd units of profiles with hostile values in every field that reaches the unit, read
three ways (issue 10):

1. `systemd-analyze verify` exits 0 with an empty stderr (it exits 0 on warnings, so stderr is
   what tells). It also checks that the ExecStart=/ExecStop= executables exist at the exact
   paths systemd decoded: both live in a directory whose name holds spaces, '%', '$' and '${'.
2. unit_decoder.py (systemd 252's rules, written from its source) decodes every setting, and
   each must equal what the profile says: the executable path and argv as run (after
   specifiers and $-expansion), Description=, User=, Group=, After=, Wants=, WantedBy=,
   ReadWritePaths=, SyslogIdentifier=, SuccessExitStatus= (qemu.success_status; none without).
3. Where `systemd --test` runs (as root it runs as nobody), systemd's own dump of the loaded
   unit must match the decoder: the same Description, User, Group, ReadWritePaths, After, Wants
   and command lines (printed before $-expansion, shell-quoted).

A third profile sets serial_log, qmp and shares (SPEC §9): their directories join ReadWritePaths=
and the graceful stop's ExecStop= names the profile's socket.

usage: verify.py QEMUC ARGV_DUMP      ARGV_DUMP stands in for QEMU (it must exist for verify)
Exit status: 0 pass, 1 fail, 77 skip (no systemd-analyze).
"""

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import unit_decoder  # noqa: E402

# The hostile rows of notes/shell-systemd-json-qemu-values.md section 7 that a profile can carry.
HOSTILE = ["", "'", '"', "$HOME", "${HOME}", "$", "$$", "`id`", "$(id)", "%n", "%%", "100%", "\\",
           "a\\", "\\n", "\n", "a\tb", "\r", "\x01", "\x1b[0m", "\x7f", ";", "\\;", "#x", "~", "*",
           " lead", "trail ", "é", "😀", "\u2028", "-", "=x"]
# Directory names: what a path may hold (no control characters: validation refuses them).
EXECUTABLE_DIRS = ["bin %h $x ${y} 100%; #!*`", "bin 100% %n dir"]
DRIVE_DIRS = ["d a\\b\"c %h%% $x ${y} 'q' ;#", "trailing\\", "é 😀 $$"]
RUNTIME = b"/run/qemuc-decoder"  # %t for the decoder
ENV = {b"MAINPID": b"4242", b"HOME": b"/home/decoder", b"y": b"Y", b"x": b"X"}


def yaml_string(text):
    """A YAML double-quoted string; '${' written '$${', qemuc's literal ${."""
    return json.dumps(text.replace("${", "$${"), ensure_ascii=False)


def fold(text):
    """Description= as the unit must carry it: one line, blanks and controls one space."""
    return b" ".join(part for part in re.split(rb"[\x00-\x20\x7f]+", text) if part)


class Case:
    def __init__(self, name, executable, description, systemd, drives, graceful, console=None,
                 success_status=0):
        self.name, self.executable, self.graceful = name, executable, graceful
        self.description, self.systemd, self.drives = description, systemd, drives
        # serial_log, qmp and shares (SPEC §9): {"serial_log": PATH, "qmp": PATH,
        # "shares": [(tag, directory, readonly)]}
        self.console = console or {}
        self.success_status = success_status  # qemu.success_status; 0: not set

    def profile(self):
        lines = ["name: %s" % self.name, "description: %s" % yaml_string(self.description), "qemu:",
                 "  binary: %s" % yaml_string(self.executable),
                 "  target: x86_64", "  memory: 64", "  kvm: true", "  kernel: /k",
                 "  drives: [%s]" % ", ".join("{id: d%d, file: %s}" % (i, yaml_string(f))
                                              for i, f in enumerate(self.drives)),
                 "  networks: [{id: n, tap: {name: qemu0}}]",
                 "  shares: [%s]" % ", ".join("{tag: %s, path: %s, readonly: %s}"
                                              % (tag, yaml_string(path), "true" if readonly else "false")
                                              for tag, path, readonly in self.console.get("shares", []))]
        lines += ["  %s: %s" % (key, yaml_string(self.console[key])) for key in ("serial_log", "qmp")
                  if key in self.console]
        lines += ["  extra_args: [%s]" % ", ".join(yaml_string(v) for v in HOSTILE)]
        if self.success_status:
            lines.append("  success_status: %d" % self.success_status)
        lines.append("systemd:")
        for key, value in self.systemd.items():
            items = [yaml_string(v) for v in value] if isinstance(value, list) else None
            lines.append("  %s: %s" % (key, "[%s]" % ", ".join(items) if items is not None else yaml_string(value)))
        lines.append("  graceful_stop: %s" % ("true" if self.graceful else "false"))
        return "\n".join(lines) + "\n"

    def expected(self, qemuc, json_argv):
        """The decoded settings the profile asks for."""
        s = self.systemd
        socket = RUNTIME + b"/qemuc-" + self.name.encode() + b".qmp"
        argv = [a.encode() for a in json_argv]
        if "qmp" in self.console:  # the profile's socket, already in the argv, is the stop's
            socket = self.console["qmp"].encode()
        elif self.graceful:
            argv[-2:-2] = [b"-qmp", b"unix:" + socket + b",server=on,wait=off"]
        description = s.get("description", "QEMU VM %s: %s" % (self.name, self.description))
        directories = []
        writable = [os.path.dirname(drive) for drive in self.drives]
        writable += [os.path.dirname(self.console[key]) for key in ("serial_log", "qmp") if key in self.console]
        writable += [path for _, path, readonly in self.console.get("shares", []) if not readonly]
        for directory in writable:
            if directory.encode() not in directories:
                directories.append(directory.encode())
        want = {
            "ExecStart": [(self.executable.encode(), argv)],
            "Description": [fold(description.encode())],
            "After": [[a.encode()] for a in s.get("after", [])] + [[b"network-online.target"]],
            "Wants": [[w.encode()] for w in s.get("wants", [])] + [[b"network-online.target"]],
            "WantedBy": [[s.get("wanted_by", "multi-user.target").encode()]],
            "ReadWritePaths": [[d] for d in directories],
            "SyslogIdentifier": [b"qemuc-" + self.name.encode()],
            # None: no such setting.
            "SuccessExitStatus": [b"%d" % self.success_status] if self.success_status else None,
        }
        for key in ("user", "group"):
            if key in s:
                want[key.capitalize()] = [s[key].encode()]
        if self.graceful:
            want["ExecStop"] = [(qemuc.encode(), [qemuc.encode(), b"qmp-powerdown", socket, b"4242",
                                                  b"--timeout", b"90"])]
        return want


def cases(top):
    first, second = (os.path.join(top, d) for d in EXECUTABLE_DIRS)
    drives = [os.path.join(top, d, "disk %d.img" % i) for i, d in enumerate(DRIVE_DIRS)]
    return [
        Case("dev", os.path.join(first, "qemu -c id"), "100% of $HOME, \"q\" 'x' \\y %n\n${HOME}\t;\\",
             {"user": "1000", "group": "kvm", "after": ["local-fs.target", "user@1000.service"],
              "wants": ["x\\x2dy.mount"], "wanted_by": "default.target", "restart": "always"},
             drives, True, success_status=85),
        Case("vm2", os.path.join(second, "qemu-system-x86_64"), "unused",
             {"description": " spaced  %%n $$ ${HOME} \\t \"q\" \n next \\\\ ", "user": "_qemu-1",
              "group": "65534", "wanted_by": "multi-user.target"}, drives[:1], False),
        # The log's and the socket's directories, and a writable share, in ReadWritePaths=; the
        # graceful stop uses the profile's socket ('%t' and '$' in it are its own).
        Case("vm3", os.path.join(second, "qemu vm3"), "console", {}, [], True,
             {"serial_log": os.path.join(top, DRIVE_DIRS[1], "console %n.log"),
              "qmp": os.path.join(top, DRIVE_DIRS[0], "vm %t,$x.qmp"),
              "shares": [("ro", os.path.join(top, DRIVE_DIRS[2]), True),
                         ("rw", os.path.join(top, DRIVE_DIRS[2], "rw $y"), False)]}),
    ]


def compile_unit(qemuc, case, top, units, fmt):
    profile = os.path.join(top, "%s.yaml" % case.name)
    with open(profile, "w", encoding="utf-8") as f:
        f.write(case.profile())
    out = os.path.join(units, "qemuc-%s.service" % case.name)
    args = [qemuc, "compile", "--no-host-checks", "-f", fmt] + (["-o", out] if fmt == "systemd" else [])
    result = subprocess.run(args + [profile], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise RuntimeError("compile -f %s: %s" % (fmt, result.stderr.decode(errors="replace")))
    return out if fmt == "systemd" else json.loads(result.stdout)["argv"]


def check_verify(analyze, unit):
    verify = subprocess.run([analyze, "verify", unit], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if verify.returncode != 0 or verify.stderr:
        print("FAIL: systemd-analyze verify %s: status %d, stderr:\n%s" %
              (os.path.basename(unit), verify.returncode, verify.stderr.decode(errors="replace")))
        return False
    print("ok: %s: systemd-analyze verify exits 0 with nothing on stderr" % os.path.basename(unit))
    return True


def check_decoded(case, unit, qemuc, json_argv):
    with open(unit, "rb") as f:
        text = f.read()
    try:
        decoded = unit_decoder.decode_unit(text, {b"t": RUNTIME}, ENV)
    except unit_decoder.Refused as e:
        print("FAIL: %s: the decoder refuses the unit: %s" % (case.name, e))
        return False, None
    ok = True
    for key, want in case.expected(qemuc, json_argv).items():
        got = decoded.get(key)
        if key in ("ExecStart", "ExecStop") and got:
            got = [(path, argv) for path, argv, _ in got]
        if got != want:
            print("FAIL: %s: %s= decodes to\n  %r\nwant\n  %r" % (case.name, key, got, want))
            ok = False
    if ok:
        print("ok: %s: every setting decodes, as systemd 252 reads it, to the profile's value" % case.name)
    return ok, decoded


def systemd_dump(units, runtime, names):
    """`systemd --test --user` of the units in `units` (as nobody when we are root), or None."""
    manager = "/lib/systemd/systemd"
    if not os.access(manager, os.X_OK):
        return None
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            return None
        if setpriv is None:
            return None
        prefix = [setpriv, "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid, "--clear-groups"]
        os.chown(runtime, nobody.pw_uid, nobody.pw_gid)  # the manager writes there
    env = dict(os.environ, SYSTEMD_UNIT_PATH=units + ":", XDG_RUNTIME_DIR=runtime, HOME=runtime,
               SYSTEMD_LOG_LEVEL="err")
    dumps = {}
    for name in names:
        try:
            result = subprocess.run(prefix + [manager, "--test", "--user", "--no-pager", "--unit=" + name],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd="/",
                                    timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        start = result.stdout.find(b"-> Unit %s:\n" % name.encode())
        if result.returncode != 0 or start < 0:
            return None
        end = result.stdout.find(b"\n\t-> Unit ", start)
        dumps[name] = result.stdout[start:end if end >= 0 else len(result.stdout)] + b"\n"
    return dumps


def check_against_systemd(case, decoded, dump):
    """systemd's own reading of the unit shows the values the decoder found."""
    expected = [b"\t\tDescription: " + decoded["Description"][0] + b"\n",
                b"\t\tReadWritePaths: " + b" ".join(p for (p,) in decoded["ReadWritePaths"]) + b"\n"]
    for key in ("User", "Group"):
        if key in decoded:
            expected.append(b"\t\t%s: %s\n" % (key.encode(), decoded[key][0]))
    for key in ("After", "Wants"):
        for (name,) in decoded.get(key, []):
            expected.append(b"\t\t%s: %s (origin-file" % (key.encode(), name))
    for key in ("ExecStart", "ExecStop"):
        for _, _, argv in decoded.get(key, []):
            expected.append(b"\t\t-> %s:\n\t\t\tCommand Line: %s\n" %
                            (key.encode(), unit_decoder.quote_command_line(argv)))
    missing = [line for line in expected if line not in dump]
    for line in missing:
        print("FAIL: %s: systemd's dump lacks %r" % (case.name, line))
    if not missing:
        print("ok: %s: systemd --test shows the %d settings the decoder read" % (case.name, len(expected)))
    return not missing


# Encodings that notes/shell-systemd-json-qemu-values.md (sections 2 and 7) round-tripped through
# a real systemd 252 manager, byte for byte: the decoder must read them the same way, $-expansion
# included (which `systemd --test` does not show).
VERIFIED_ARGUMENTS = [('"plain"', [b"plain"]), ('""', [b""]), ('"$$HOME"', [b"$HOME"]),
                      ('"$${HOME}"', [b"${HOME}"]), ('"$$"', [b"$"]), ('"$$$$"', [b"$$"]),
                      ('"$$(id)"', [b"$(id)"]), ('"100%%"', [b"100%"]), ('"%%n"', [b"%n"]),
                      ('"%%%%"', [b"%%"]), ('"\\\\"', [b"\\"]), ('"a\\\\"', [b"a\\"]),
                      ('"\\n"', [b"\n"]), ('"\\x01"', [b"\x01"]), ('"\\xff"', [b"\xff"]),
                      ('";"', [b";"]), ('"\\\\;"', [b"\\;"]), ("\\;", [b";"]),
                      ('"it\'s"', [b"it's"]), ('"\\""', [b'"']),
                      ("x${FOO}y", [b"xfoo valy"]), ("a$FOO", [b"a$FOO"]), ("$FOO", [b"foo", b"val"]),
                      ('"$UNSET"', []), ("${FOO:-def}", [b"${FOO:-def}"])]


def check_decoder_against_notes():
    ok = True
    for encoded, want in VERIFIED_ARGUMENTS:
        line = b"[Service]\nExecStart=/bin/true " + encoded.encode() + b"\n"
        (path, argv, _), = unit_decoder.decode_unit(line, {}, {b"FOO": b"foo val"})["ExecStart"]
        if argv[1:] != want:
            print("FAIL: the decoder reads %s as %r, systemd as %r" % (encoded, argv[1:], want))
            ok = False
    if ok:
        print("ok: the decoder reads the %d encodings verified on systemd 252 as it did" % len(VERIFIED_ARGUMENTS))
    return ok


def main():
    qemuc_built, argv_dump = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze not installed (scripts/setup --test installs systemd)")
        return 77
    with tempfile.TemporaryDirectory(prefix="qemuc-unit-") as top:
        os.chmod(top, 0o755)  # systemd --test runs as nobody
        units, runtime = os.path.join(top, "units"), os.path.join(top, "runtime")
        for directory in [units, runtime] + [os.path.join(top, d) for d in EXECUTABLE_DIRS + DRIVE_DIRS]:
            os.mkdir(directory)
        # The ExecStop= executable is the qemuc that wrote the unit: a copy run from the hostile
        # directory. The ExecStart= ones are argv_dump under hostile names.
        qemuc = os.path.join(top, EXECUTABLE_DIRS[0], "qemuc")
        shutil.copy(qemuc_built, qemuc)
        all_cases = cases(top)
        for case in all_cases:
            os.symlink(argv_dump, case.executable)
        ok, decodings = check_decoder_against_notes(), {}
        for case in all_cases:
            try:
                unit = compile_unit(qemuc, case, top, units, "systemd")
                json_argv = compile_unit(qemuc, case, top, units, "json")
            except RuntimeError as e:
                print("FAIL: %s: %s" % (case.name, e))
                ok = False
                continue
            ok &= check_verify(analyze, unit)
            decoded_ok, decodings[case.name] = check_decoded(case, unit, qemuc, json_argv)
            ok &= decoded_ok
        for path, _, files in os.walk(top):
            os.chmod(path, 0o755)
            for name in files:
                file = os.path.join(path, name)
                if not os.path.islink(file):
                    os.chmod(file, os.stat(file).st_mode | 0o444)
        dumps = systemd_dump(units, runtime, ["qemuc-%s.service" % c.name for c in all_cases])
        if dumps is None:
            print("SKIP (part): systemd --test cannot run here; the decoder stands alone")
        else:
            for case in all_cases:
                if decodings.get(case.name):
                    table_runtime = runtime.encode()
                    with open(os.path.join(units, "qemuc-%s.service" % case.name), "rb") as f:
                        decoded = unit_decoder.decode_unit(f.read(), {b"t": table_runtime}, ENV)
                    ok &= check_against_systemd(case, decoded, dumps["qemuc-%s.service" % case.name])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
