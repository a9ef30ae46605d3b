#!/usr/bin/env python3
"""The systemd unit of a profile full of hostile arguments passes `systemd-analyze verify` with
exit status 0 and an empty stderr (it exits 0 on warnings, so stderr is what tells).

usage: verify.py QEMUC EXECUTABLE      EXECUTABLE stands in for QEMU (it must exist for verify)
Exit status: 0 pass, 1 fail, 77 skip (no systemd-analyze).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

# The hostile rows of notes/shell-systemd-json-qemu-values.md section 7 that a profile can carry.
HOSTILE = ["", "'", '"', "$HOME", "${HOME}", "$", "$$", "`id`", "$(id)", "%n", "%%", "100%", "\\",
           "a\\", "\\n", "\n", "a\tb", "\r", "\x01", "\x1b[0m", "\x7f", ";", "\\;", "#x", "~", "*",
           " lead", "trail ", "é", "😀", "\u2028", "-", "=x"]


def main():
    qemuc, executable = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze not installed (scripts/setup --test installs systemd)")
        return 77
    with tempfile.TemporaryDirectory(prefix="qemuc-unit-") as top:
        disks = os.path.join(top, "disk dir, 100%")
        os.mkdir(disks)
        values = [s.replace("${", "$${") for s in HOSTILE]
        profile = os.path.join(top, "dev.yaml")
        with open(profile, "w", encoding="utf-8") as f:
            f.write("name: dev\ndescription: %s\nqemu:\n" % json.dumps("100% of $HOME", ensure_ascii=False))
            f.write("  binary: %s\n  target: x86_64\n  memory: 64\n  kvm: true\n  kernel: /k\n" %
                    json.dumps(executable))
            f.write("  drives: [{id: d, file: %s}]\n" % json.dumps(os.path.join(disks, "a.img")))
            f.write("  networks: [{id: n, tap: {name: qemu0}}]\n")
            f.write("  extra_args: [%s]\n" % ", ".join(json.dumps(v, ensure_ascii=False) for v in values))
            f.write("systemd: {user: qemu, after: [local-fs.target], restart: always, graceful_stop: true}\n")
        unit = os.path.join(top, "qemuc-dev.service")
        compiled = subprocess.run([qemuc, "compile", "--no-host-checks", "-f", "systemd", "-o", unit, profile],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if compiled.returncode != 0:
            print("FAIL: compile -f systemd:", compiled.stderr.decode(errors="replace"))
            return 1
        verify = subprocess.run([analyze, "verify", unit], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if verify.returncode != 0 or verify.stderr:
            print("FAIL: systemd-analyze verify: status %d, stderr:\n%s" %
                  (verify.returncode, verify.stderr.decode(errors="replace")))
            print(open(unit, encoding="utf-8", errors="replace").read())
            return 1
        print("ok: %d hostile arguments; systemd-analyze verify exits 0 with nothing on stderr" % len(values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
