#!/usr/bin/env python3
"""`qemuc --version` names the version and the git revision it was built from (issue 15).

usage: tests/startup/version.py QEMUC SOURCE_DIR

In a git checkout the revision is what `git describe --always --dirty --abbrev=12` says of the
source tree now (meson's vcs_tag asks again at every build, and meson test builds first). Then
a copy of the source tree without .git is configured and only its revision file generated:
it must say "unknown", not the revision of whatever checkout holds the copy.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    qemuc, source = sys.argv[1:3]
    failures = []
    out = subprocess.run([qemuc, "--version"], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    match = re.fullmatch(r"qemuc (\d+\.\d+\.\d+) \(revision (\S+)\)\n", out)
    if match is None:
        sys.exit(f"FAIL: `qemuc --version` printed {out!r}")
    if os.path.exists(os.path.join(source, ".git")) and shutil.which("git"):
        described = subprocess.run(["git", "-C", source, "describe", "--always", "--dirty",
                                    "--abbrev=12"], stdout=subprocess.PIPE, text=True)
        if described.returncode == 0 and match[2] != described.stdout.strip():
            failures.append(f"revision {match[2]!r}, git describe says "
                            f"{described.stdout.strip()!r}")
        print(f"ok: {out.strip()}")
    else:
        print("skipped: the source tree is not a git checkout (or git is missing)")
    with tempfile.TemporaryDirectory(prefix="qemuc-version-") as work:
        copy = os.path.join(work, "src")
        shutil.copytree(source, copy, ignore=lambda directory, names: [
            name for name in names if name == ".git" or (
                os.path.samefile(directory, source) and name.startswith("build"))])
        build = os.path.join(work, "build")
        subprocess.run(["meson", "setup", build, copy], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["ninja", "-C", build, "revision.cc"], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(build, "revision.cc"), encoding="utf-8") as f:
            generated = f.read()
        if 'kQemucRevision = "unknown";' not in generated:
            failures.append(f"a build outside git says:\n{generated}")
        else:
            print('ok: a build outside git says "unknown"')
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
