#!/usr/bin/env python3
"""qemuc build and check on a project of its own (SPEC §8), in a directory whose name has a space,
a '$' and non-ASCII:

- every output, in all four formats, is byte for byte (and mode for mode) what `qemuc compile ...
  -o FILE` run in the project's directory writes with the same overlays, sets and defines;
- a second build writes nothing and keeps every mtime; a change to a base rewrites exactly the
  outputs whose bytes change;
- an output that fails is reported at its place in qemuc.yaml and the others are still written;
- `build FILE` builds only that output; `build --check` and `check` write nothing, list every
  stale or missing output with its diff and exit 1; both work from a subdirectory and with -C.

usage: build.py QEMUC
"""
import os
import shutil
import subprocess
import sys
import tempfile

QEMUC = os.path.abspath(sys.argv[1])
failures = []


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)


def run(args, cwd):
    result = subprocess.run([QEMUC] + args, cwd=cwd, capture_output=True, text=True,
                            env=dict(os.environ, NO_COLOR="1"), timeout=60)
    return result.returncode, result.stdout, result.stderr


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


BASE = """abstract: true
vars: { out: ../out }
qemu:
  target: x86_64
  memory: 512
  kernel: ${out}/kernel.bin
cmdline: [console=ttyS0]
"""
BOARD = """extends: ../base/base.yaml
description: a board
qemu:
  cpus: 2
  drives:
    - { id: blk0, file: "${out}/disk a,b.img" }
overlays:
  big: { qemu: { cpus: 8 } }
"""
OTHER = """extends: ../base/base.yaml
qemu: { binary: /usr/bin/qemu-system-x86_64 }
"""
KVM = """abstract: true
qemu: { kvm: true }
"""
PROJECT = """profiles: [boards/board.yaml, boards/other.yaml, base/base.yaml]
outputs:
  - file: out/board.sh
    profile: boards/board.yaml
    overlays: [big]
  - file: "out/board $x.json"
    profile: boards/board.yaml
    set: ["qemu.memory=1G"]
    defines: { out: /srv/x }
  - file: out/other.service
    profile: boards/other.yaml
    overlays: [overlays/kvm.yaml]
  - file: out/deep/other.args
    profile: boards/other.yaml
  - file: out/board.txt
    format: args
    profile: boards/board.yaml
"""
# The compile command line that makes each output (SPEC §8: exactly as compile -o would).
EQUIVALENT = {
    "out/board.sh": ["boards/board.yaml", "-O", "big", "-f", "shell"],
    "out/board $x.json": ["boards/board.yaml", "--set", "qemu.memory=1G", "-D", "out=/srv/x",
                          "-f", "json"],
    "out/other.service": ["boards/other.yaml", "-O", "overlays/kvm.yaml", "-f", "systemd"],
    "out/deep/other.args": ["boards/other.yaml", "-f", "args"],
    "out/board.txt": ["boards/board.yaml", "-f", "args"],
}


def make_project(root):
    write(os.path.join(root, "base/base.yaml"), BASE)
    write(os.path.join(root, "boards/board.yaml"), BOARD)
    write(os.path.join(root, "boards/other.yaml"), OTHER)
    write(os.path.join(root, "overlays/kvm.yaml"), KVM)
    write(os.path.join(root, "qemuc.yaml"), PROJECT)


def snapshot(root):
    """{output: (bytes, mode, mtime_ns)} of every file under out/."""
    found = {}
    for directory, _, files in os.walk(os.path.join(root, "out")):
        for name in files:
            path = os.path.join(directory, name)
            info = os.stat(path)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = (f.read(), info.st_mode & 0o777,
                                                      info.st_mtime_ns)
    return found


def test_build_matches_compile(root):
    status, out, err = run(["build"], root)
    check(status == 0 and err == "", f"build exits 0 quietly on stderr (status {status}: {err})")
    check(out.splitlines()[-1] == "5 written, 0 unchanged, 0 failed", f"summary: {out!r}")
    check(sorted(line for line in out.splitlines() if line.startswith("wrote ")) ==
          sorted("wrote " + name for name in EQUIVALENT), "one 'wrote' line per output")
    built = snapshot(root)
    with tempfile.TemporaryDirectory() as scratch:
        for name, args in EQUIVALENT.items():
            target = os.path.join(scratch, "x")
            status, _, err = run(["compile", "--no-host-checks", "-o", target] + args, root)
            with open(target, "rb") as f:
                expected = f.read()
            mode = os.stat(target).st_mode & 0o777
            check(status == 0 and built[name][:2] == (expected, mode),
                  f"{name}: bytes and mode equal compile {' '.join(args)} -o ({err})")
            os.unlink(target)


def test_rebuild_keeps_mtimes(root):
    before = snapshot(root)
    status, out, _ = run(["build"], root)
    check(status == 0 and out == "0 written, 5 unchanged, 0 failed\n", f"second build: {out!r}")
    check(snapshot(root) == before, "a second build leaves every file and mtime as it was")
    # A change that reaches only the outputs of board.yaml.
    with open(os.path.join(root, "boards/board.yaml"), "a", encoding="utf-8") as f:
        f.write("cmdline: [quiet]\n")
    status, out, _ = run(["build"], root)
    after = snapshot(root)
    changed = sorted(name for name in after if after[name] != before[name])
    check(status == 0 and changed == ["out/board $x.json", "out/board.sh", "out/board.txt"],
          f"a change to board.yaml rewrites its three outputs only: {changed}")


def test_failing_output(root):
    write(os.path.join(root, "boards/other.yaml"), OTHER + "name: 'bad name'\n")
    before = snapshot(root)
    with open(os.path.join(root, "boards/board.yaml"), "a", encoding="utf-8") as f:
        f.write("vars: { unused: x }\n")
    status, out, err = run(["build"], root)
    check(status == 1, f"build with a broken profile exits 1 (got {status})")
    check("boards/other.yaml:3:7: error:" in err and "note: for the output out/other.service at "
          "qemuc.yaml:10:11" in err, f"the problem is reported with the output's place: {err}")
    check(out.splitlines()[-1] == "0 written, 3 unchanged, 2 failed", f"summary: {out!r}")
    after = snapshot(root)
    check(after["out/other.service"] == before["out/other.service"],
          "the failed output is left as it was")
    write(os.path.join(root, "boards/other.yaml"), OTHER)


def test_check_and_subset(root):
    run(["build"], root)
    os.remove(os.path.join(root, "out/board.sh"))
    with open(os.path.join(root, "base/base.yaml"), "a", encoding="utf-8") as f:
        f.write("name: changed-name\n")
    before = snapshot(root)
    status, out, err = run(["build", "--check"], os.path.join(root, "boards"))
    check(status == 1 and snapshot(root) == before, "build --check exits 1 and writes nothing")
    check("+++ out/board.sh\t(generated)" in out and "--- /dev/null" in out,
          "the missing output is listed with its diff")
    check("error: out/board.sh does not exist: run 'qemuc build' to write it" in err,
          f"the missing output is named: {err}")
    check("error: out/board $x.json is stale: run 'qemuc build' to write it" in err,
          "a stale output is named")
    status, out, err = run(["check", "-C", os.path.join(root, "overlays")], "/")
    check(status == 1 and "checked 3 profiles and 5 outputs: 3 errors, 3 stale, 2 fresh, 0 failed" in out,
          f"check -C finds the project above DIR and lists every stale output: {out!r} {err}")
    os.remove(os.path.join(root, "out/deep/other.args"))
    status, out, _ = run(["build", os.path.join(root, "out/deep/other.args")],
                         os.path.join(root, "boards"))
    check(status == 0 and out == "wrote out/deep/other.args\n1 written, 0 unchanged, 0 failed\n",
          f"build FILE writes that output only: {out!r}")
    status, _, err = run(["build", "out/nothing.sh"], root)
    check(status == 2 and "not an output of qemuc.yaml: " in err, f"build of an unknown FILE: {err}")
    run(["build"], root)
    status, out, err = run(["check"], root)
    check(status == 0 and err == "" and
          out == "checked 3 profiles and 5 outputs: 0 errors, 0 stale, 5 fresh, 0 failed\n",
          f"check after build: {out!r} {err}")


def test_depfile(root):
    """build --depfile: one rule per output, from qemuc.yaml to its last layer, escaped as make and
    ninja read them (the root holds a space and a '$')."""
    run(["build"], root)
    depfile = os.path.join(root, "deps.d")
    status, _, err = run(["build", "--depfile", "deps.d"], root)
    with open(depfile, encoding="utf-8") as f:
        lines = f.read().splitlines()
    escaped = root.replace(" ", "\\ ").replace("$", "$$")
    target = "out/other.service"  # as named from where qemuc was started
    expected = [f"{target}: {escaped}/{name}" for name in
                ("qemuc.yaml", "base/base.yaml", "boards/other.yaml", "overlays/kvm.yaml")]
    check(status == 0 and all(line in lines for line in expected),
          f"the depfile names out/other.service and its four inputs ({err}): {lines[:6]}")
    check(f"{escaped}/boards/board.yaml:" in lines, "every input has an empty rule, as gcc -MP")
    status, _, err = run(["build", "--check", "--depfile", "x.d"], root)
    check(status == 2 and "--depfile cannot be used with --check" in err, f"--check: {err}")
    status, _, err = run(["build", "--depfile", "qemuc.yaml"], root)
    check(status == 1 and "cannot write depfile qemuc.yaml: " in err, f"over an input: {err}")
    os.remove(depfile)


def main():
    if shutil.which(QEMUC) is None and not os.access(QEMUC, os.X_OK):
        print(f"FAIL: no qemuc at {QEMUC}")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        root = os.path.join(scratch, "boards $repo é")
        make_project(root)
        test_build_matches_compile(root)
        test_rebuild_keeps_mtimes(root)
        test_failing_output(root)
        test_check_and_subset(root)
        test_depfile(root)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
