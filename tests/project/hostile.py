#!/usr/bin/env python3
"""qemuc build and check on hostile project files and trees (SPEC §8). Each must end in a clear
error (exit 1, a message at its place) or work; never a crash, a hang, unbounded output, or a
file replaced that the project does not own:

- a qemuc.yaml over 1 MiB; a FIFO, a device, a directory, a link loop, a dangling link, or a
  link to a profile in qemuc.yaml's place (a dangling link is this project's file, broken: the
  search does not go on up to a parent's qemuc.yaml);
- outputs that name a file the run reads (a board, its parent, qemuc.yaml, a link to a board) or
  one `profiles:` matches (through a linked directory, by a hard link, by a link, or a profile
  that is a link): build refuses and leaves them byte for byte and mtime as they were;
  check says the same rather than call them stale; an output that is a directory; two outputs
  naming one file through a linked directory;
- output names with quotes, '$', spaces, non-ASCII, a tab and an escape sequence: written, and
  shown escaped;
- many outputs into one directory, with -j 256;
- globs: `**/**/**/*` over a tree deeper than the limit, a symbolic link loop (`**` does not
  follow links; `*/*/...` is bounded by the pattern), 10,000 matching profiles in seconds.

usage: hostile.py QEMUC
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

QEMUC = os.path.abspath(sys.argv[1])
failures = []

BOARD = "qemu: { target: x86_64, memory: 256, kernel: /boot/kernel.bin }\n"
BASE = "abstract: true\nqemu: { target: x86_64, memory: 256, kernel: /boot/kernel.bin }\n"
CHILD = "extends: ../base.yaml\n"


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)


def run(args, cwd, timeout=60):
    started = time.monotonic()
    result = subprocess.run([QEMUC] + args, cwd=cwd, capture_output=True, timeout=timeout,
                            env=dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8"))
    return (result.returncode, result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"), time.monotonic() - started)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def fresh(root, name):
    path = os.path.join(root, name)
    os.makedirs(path)
    return path


def state(path):
    """(bytes, mtime_ns) of a file, to prove it was not touched."""
    with open(path, "rb") as f:
        return f.read(), os.stat(path).st_mtime_ns


def test_project_file_too_large(root):
    d = fresh(root, "large")
    write(os.path.join(d, "qemuc.yaml"), "profiles: [a.yaml]\n#" + "x" * (1 << 20) + "\n")
    status, out, err, _ = run(["check"], d)
    check(status == 1 and out == "" and
          err == "qemuc.yaml: error: cannot read the project file: file is larger than 1 MiB "
          "(1048597 bytes)\n", f"a qemuc.yaml over 1 MiB is refused ({status}: {err!r})")


def test_project_file_not_a_file(root):
    kinds = {
        "fifo": (lambda p: os.mkfifo(p), "not a regular file (a FIFO)"),
        "device": (lambda p: os.symlink("/dev/zero", p), "not a regular file (a device)"),
        "directory": (lambda p: os.mkdir(p), "not a regular file (a directory)"),
        "loop": (lambda p: os.symlink("qemuc.yaml", p), "Too many levels of symbolic links"),
        "dangling": (lambda p: os.symlink("gone.yaml", p), "No such file or directory"),
    }
    for kind, (make, why) in kinds.items():
        d = fresh(root, "parent-" + kind)
        # A good project above: the search must stop at the broken one below, not use this.
        write(os.path.join(d, "qemuc.yaml"), "profiles: [a.yaml]\n")
        write(os.path.join(d, "a.yaml"), BOARD)
        below = fresh(d, "below")
        make(os.path.join(below, "qemuc.yaml"))
        for command in (["check"], ["build"], ["build", "--check"]):
            status, out, err, _ = run(command, below, timeout=20)
            check(status == 1 and out == "" and
                  err == f"qemuc.yaml: error: cannot read the project file: {why}\n",
                  f"qemuc.yaml as a {kind}: {' '.join(command)} says so ({status}: {err!r})")


def test_project_file_links_to_profile(root):
    d = fresh(root, "linked")
    write(os.path.join(d, "a.yaml"), BOARD)
    os.symlink("a.yaml", os.path.join(d, "qemuc.yaml"))
    status, _, err, _ = run(["check"], d)
    check(status == 1 and err.startswith(
        "qemuc.yaml:1:1: error: this is a profile, not a project file: 'qemu' is a key of "
        "profiles\n"), f"qemuc.yaml linked to a profile is refused as one ({err!r})")


def test_outputs_that_are_inputs(root):
    d = fresh(root, "inputs")
    write(os.path.join(d, "base.yaml"), BASE)
    write(os.path.join(d, "boards/a.yaml"), CHILD)
    write(os.path.join(d, "boards/b.yaml"), CHILD)
    os.symlink("boards/a.yaml", os.path.join(d, "link.args"))
    os.mkdir(os.path.join(d, "dir.args"))
    write(os.path.join(d, "qemuc.yaml"),
          "profiles: [boards/*.yaml]\n"
          "outputs:\n"
          "  - { file: base.yaml, profile: boards/a.yaml, format: args }\n"
          "  - { file: boards/b.yaml, profile: boards/a.yaml, format: args }\n"
          "  - { file: qemuc.yaml, profile: boards/a.yaml, format: args }\n"
          "  - { file: link.args, profile: boards/a.yaml }\n"
          "  - { file: dir.args, profile: boards/a.yaml }\n"
          "  - { file: ok.args, profile: boards/a.yaml }\n")
    owned = ["base.yaml", "boards/a.yaml", "boards/b.yaml", "qemuc.yaml"]
    before = {name: state(os.path.join(d, name)) for name in owned}
    status, out, err, _ = run(["build"], d)
    check(status == 1 and out == "wrote ok.args\n1 written, 0 unchanged, 5 failed\n",
          f"build writes only the output it owns ({status}: {out!r})")
    for name in owned:
        check(state(os.path.join(d, name)) == before[name], f"build leaves {name} as it was")
    check(os.path.islink(os.path.join(d, "link.args")) and
          os.path.isdir(os.path.join(d, "dir.args")), "the link and the directory are intact")
    for line, name in ((3, "base.yaml"), (4, "boards/b.yaml"), (5, "qemuc.yaml"),
                       (6, "link.args")):
        real = os.path.realpath(os.path.join(d, name))
        check(f"qemuc.yaml:{line}:" in err and
              f"error: cannot write {name}: it is an input of this run ({real})" in err,
              f"build says why {name} is not written")
    check("qemuc.yaml:7:13: error: cannot write dir.args: not a regular file (a directory)" in err,
          "build says why dir.args is not written")
    build_err = err
    status, out, err, _ = run(["check"], d)
    check(status == 1 and err == build_err and "0 stale, 1 fresh, 5 failed" in out,
          f"check reports the outputs build refuses as build does, none as stale ({out!r})")


def test_outputs_that_are_profiles_by_another_name(root):
    """Profiles no compile reads, matched through a linked directory: build and check tell them
    from the glob's directory listing, without a stat of each, and still refuse an output that is
    one of them by its own name, a hard link or a link to it."""
    d = fresh(root, "other-names")
    write(os.path.join(d, "base.yaml"), BASE)
    write(os.path.join(d, "board.yaml"), BOARD)
    for name in ("a", "b", "c"):
        write(os.path.join(d, f"boards/{name}.yaml"), CHILD)
    write(os.path.join(d, "keep/d.yaml"), CHILD)
    os.symlink("../keep/d.yaml", os.path.join(d, "boards/d.yaml"))  # a profile that is a link
    os.symlink("boards", os.path.join(d, "alias"))
    os.mkdir(os.path.join(d, "out"))
    os.link(os.path.join(d, "boards/c.yaml"), os.path.join(d, "out/c.args"))
    os.symlink("../boards/a.yaml", os.path.join(d, "out/a.args"))
    write(os.path.join(d, "qemuc.yaml"),
          "profiles: [alias/*.yaml]\n"
          "outputs:\n"
          "  - { file: boards/b.yaml, profile: board.yaml, format: args }\n"
          "  - { file: out/c.args, profile: board.yaml }\n"
          "  - { file: keep/d.yaml, profile: board.yaml, format: args }\n"
          "  - { file: out/a.args, profile: board.yaml }\n"
          "  - { file: out/ok.args, profile: board.yaml }\n")
    owned = ["boards/a.yaml", "boards/b.yaml", "boards/c.yaml", "keep/d.yaml"]
    before = {name: state(os.path.join(d, name)) for name in owned}
    status, out, err, _ = run(["build"], d)
    check(status == 1 and out == "wrote out/ok.args\n1 written, 0 unchanged, 4 failed\n",
          f"build writes only the output that is no profile ({status}: {out!r} {err!r})")
    for name in owned:
        check(state(os.path.join(d, name)) == before[name], f"build leaves {name} as it was")
    real = os.path.realpath(d)
    for line, name, profile in ((3, "boards/b.yaml", "b"), (4, "out/c.args", "c"),
                                (5, "keep/d.yaml", "d"), (6, "out/a.args", "a")):
        check(f"qemuc.yaml:{line}:" in err and f"error: cannot write {name}: it is an input of "
              f"this run ({real}/alias/{profile}.yaml)" in err,
              f"build says why {name} is not written ({err!r})")
    status, out, check_err, _ = run(["check"], d)
    check(status == 1 and check_err == err and "0 stale, 1 fresh, 4 failed" in out,
          f"check refuses them as build does ({out!r})")


def test_two_outputs_one_file_through_a_link(root):
    d = fresh(root, "alias")
    write(os.path.join(d, "a.yaml"), BOARD)
    os.mkdir(os.path.join(d, "out"))
    os.symlink("out", os.path.join(d, "alias"))
    write(os.path.join(d, "qemuc.yaml"),
          "outputs:\n"
          "  - { file: out/x.args, profile: a.yaml }\n"
          "  - { file: alias/x.args, profile: a.yaml, set: [qemu.cpus=2] }\n")
    message = ("qemuc.yaml:3:13: error: two outputs write one file: 'alias/x.args' is "
               "'out/x.args' by another path\n")
    for _ in range(2):
        status, out, err, _ = run(["build"], d)
        check(status == 1 and out == "wrote out/x.args\n1 written, 0 unchanged, 1 failed\n" and
              err.startswith(message), f"build writes the first, refuses the second ({out!r})")
        os.unlink(os.path.join(d, "out/x.args"))
    run(["build"], d)
    status, out, err, _ = run(["check"], d)
    check(status == 1 and err.startswith(message) and "1 fresh, 1 failed" in out,
          f"check says the same ({out!r})")


def test_names_with_special_characters(root):
    d = fresh(root, "names")
    write(os.path.join(d, "a.yaml"), BOARD)
    names = ["out/quo'te\"s $HOME `x` %d #.args", "out/ünï cödé:,.sh", "out/tab\there.json",
             "out/esc\x1b[31mred.args"]
    shown = ["out/quo'te\"s $HOME `x` %d #.args", "out/ünï cödé:,.sh", "out/tab\\there.json",
             "out/esc\\x1b[31mred.args"]
    yaml_names = [n.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                  .replace("\x1b", "\\e") for n in names]
    write(os.path.join(d, "qemuc.yaml"), "outputs:\n" + "".join(
        f'  - {{ file: "{n}", profile: a.yaml }}\n' for n in yaml_names))
    status, out, err, _ = run(["check"], d)
    check(status == 1 and "\x1b" not in out + err and "\t(generated)" in out,
          "check shows missing outputs' names escaped, in diff headers too")
    for name in shown:
        check(f"+++ {name}\t(generated)\n" in out, f"diff header for {name!r}")
    status, out, err, _ = run(["build"], d)
    check(status == 0 and out == "".join(f"wrote {n}\n" for n in shown) +
          "4 written, 0 unchanged, 0 failed\n", f"build writes them ({status}: {out!r} {err!r})")
    check(all(os.path.isfile(os.path.join(d, n)) for n in names), "with exactly those names")
    status, out, _, _ = run(["check"], d)
    check(status == 0, "and check finds them fresh")


def test_many_outputs_one_directory(root):
    d = fresh(root, "many")
    write(os.path.join(d, "a.yaml"), BOARD)
    count = 300
    write(os.path.join(d, "qemuc.yaml"), "outputs:\n" + "".join(
        f"  - {{ file: o/{i}.args, profile: a.yaml }}\n" for i in range(count)))
    status, out, err, _ = run(["check", "-j", "256"], d, timeout=120)
    check(status == 1 and err.count("error:") == 20 and
          f"note: {count - 20} more errors in qemuc.yaml not shown" in err,
          f"check -j 256 on {count} missing outputs shows 20 errors ({err[-200:]!r})")
    status, out, _, took = run(["build", "-j", "256"], d, timeout=120)
    check(status == 0 and out.endswith(f"{count} written, 0 unchanged, 0 failed\n") and
          len(os.listdir(os.path.join(d, "o"))) == count,
          f"build -j 256 writes {count} outputs into one directory in {took:.1f} s")
    status, out, _, _ = run(["build", "-j", "256"], d, timeout=120)
    check(status == 0 and out == f"0 written, {count} unchanged, 0 failed\n", "then none again")
    check(not any(n.startswith(".qemuc-") for n in os.listdir(os.path.join(d, "o"))),
          "no temporary file is left behind")


def test_glob_deep_tree(root):
    d = fresh(root, "deep")
    write(os.path.join(d, "a.yaml"), BOARD)
    write(os.path.join(d, "deep", *(["d"] * 100), "x.yaml"), BOARD)
    for glob in ("**/**/**/*", "**/*.yaml"):
        write(os.path.join(d, "qemuc.yaml"), f'profiles: ["{glob}"]\n')
        status, _, err, took = run(["check"], d, timeout=20)
        check(status == 1 and "error: '**' goes more than 64 directories deep, into 'deep/d/d/" in
              err and took < 10, f"{glob} over a tree 100 deep: refused in {took:.1f} s")


def test_glob_symlink_loop(root):
    d = fresh(root, "loop")
    write(os.path.join(d, "loop/a/a.yaml"), BOARD)
    os.symlink("..", os.path.join(d, "loop/a/up"))
    os.symlink("../a", os.path.join(d, "loop/a/self"))
    write(os.path.join(d, "qemuc.yaml"), 'profiles: ["loop/**/*.yaml"]\n')
    status, out, err, took = run(["check"], d, timeout=20)
    check(status == 0 and out.startswith("checked 1 profile and") and took < 10,
          f"'**' does not follow symbolic links into a loop ({out!r} {err!r})")
    write(os.path.join(d, "qemuc.yaml"), 'profiles: ["loop/' + "*/" * 12 + '*.yaml"]\n')
    status, out, err, took = run(["check"], d, timeout=20)
    check(status == 0 and took < 10,
          f"'*/' x 12 through the loop ends, bounded by the pattern ({took:.1f} s: {out!r})")


def test_glob_ten_thousand_profiles(root):
    d = fresh(root, "ten-thousand")
    write(os.path.join(d, "base.yaml"), BASE)
    os.makedirs(os.path.join(d, "boards"))
    for i in range(10000):
        with open(os.path.join(d, "boards", f"b{i}.yaml"), "w") as f:
            f.write(CHILD)
    write(os.path.join(d, "qemuc.yaml"), "profiles: [boards/*.yaml, base.yaml]\n")
    status, out, err, took = run(["check", "-j", "256"], d, timeout=60)
    check(status == 0 and out.startswith("checked 10001 profiles and 0 outputs: 0 errors") and
          took < 20, f"check of 10,001 profiles in {took:.1f} s ({err[:200]!r})")
    write(os.path.join(d, "base.yaml"), BASE.replace("memory: 256", "memory: 256, cpus: 0"))
    status, out, err, took = run(["check"], d, timeout=60)
    check(status == 1 and err.count("error:") == 1 and "note: 9980 more notes not shown" in err
          and len(err) < 4000, f"a broken base of 10,000 boards: one error, notes cut ({took:.1f} s)")
    # As many outputs as profiles: each output is checked against the inputs by one lookup, not
    # by a look at every input (1,000 outputs of 1,000 boards took 4.2 s that way, now 0.3 s).
    write(os.path.join(d, "base.yaml"), BASE)
    write(os.path.join(d, "qemuc.yaml"), "profiles: [boards/*.yaml, base.yaml]\noutputs:\n" +
          "".join(f"  - {{ file: out/b{i}.args, profile: boards/b{i}.yaml }}\n"
                  for i in range(10000)))
    run(["build", "-j", "2"], d, timeout=120)
    status, out, err, took = run(["check", "-j", "2"], d, timeout=120)
    check(status == 0 and "10000 fresh" in out and took < 30,
          f"check of 10,001 profiles and 10,000 outputs in {took:.1f} s ({err[:200]!r})")


def test_outputs_outside_the_project(root):
    """A pull request decides qemuc.yaml: build writes only inside its directory, whatever the
    path or the links say, and check reports the same refusals."""
    d = fresh(root, "outside")
    elsewhere = fresh(root, "elsewhere")
    write(os.path.join(elsewhere, "victim.args"), "keep\n")
    victim = state(os.path.join(elsewhere, "victim.args"))
    write(os.path.join(d, "a.yaml"), BOARD)
    os.symlink(elsewhere, os.path.join(d, "linked"))
    os.symlink(os.path.join(elsewhere, "victim.args"), os.path.join(d, "link.args"))
    write(os.path.join(d, "qemuc.yaml"),
          "outputs:\n"
          f"  - {{ file: {elsewhere}/abs.args, profile: a.yaml }}\n"
          "  - { file: sub/../../up.args, profile: a.yaml }\n")
    status, _, err, _ = run(["build"], d)
    check(status == 1 and "qemuc.yaml:2:13: error: 'file' must be relative to the directory of "
          "qemuc.yaml" in err and "qemuc.yaml:3:13: error: 'file' must stay inside the directory "
          "of qemuc.yaml" in err, f"absolute and climbing paths are refused where written: {err}")
    write(os.path.join(d, "qemuc.yaml"),
          "outputs:\n"
          "  - { file: linked/new/x.args, profile: a.yaml }\n"
          "  - { file: link.args, profile: a.yaml }\n"
          "  - { file: inside/x.args, profile: a.yaml }\n")
    for command in (["build"], ["check"]):
        status, out, err, _ = run(command, d)
        check(status == 1 and err.count("it leads outside the project's directory, to ") == 2 and
              "1 failed" not in out and "2 failed" in out,
              f"{command[0]}: a linked directory and a link to a file outside are refused: {err}")
    check(not os.path.exists(os.path.join(elsewhere, "new")) and
          state(os.path.join(elsewhere, "victim.args")) == victim,
          "nothing is created or replaced outside the project")


def test_check_diffs_are_bounded(root):
    """26,000 missing outputs printed 8.6 MB of diffs: like diagnostics, at most 20 are shown."""
    d = fresh(root, "many-stale")
    write(os.path.join(d, "a.yaml"), BOARD)
    write(os.path.join(d, "qemuc.yaml"), "outputs:\n" + "".join(
        f"  - {{ file: out/{i}.args, profile: a.yaml }}\n" for i in range(37)))
    status, out, _, _ = run(["check"], d)
    check(status == 1 and out.count("+++ out/") == 20 and
          "(the diffs of stale outputs after the first 20 are not shown)\n" in out and
          out.endswith("37 stale, 0 fresh, 0 failed\n"),
          f"check shows 20 diffs and counts all 37 stale outputs ({len(out)} bytes)")


def main():
    with tempfile.TemporaryDirectory(prefix="qemuc hostile $ ü ") as root:
        for test in (test_project_file_too_large, test_project_file_not_a_file,
                     test_project_file_links_to_profile, test_outputs_that_are_inputs,
                     test_outputs_that_are_profiles_by_another_name,
                     test_two_outputs_one_file_through_a_link, test_outputs_outside_the_project,
                     test_check_diffs_are_bounded,
                     test_names_with_special_characters, test_many_outputs_one_directory,
                     test_glob_deep_tree, test_glob_symlink_loop, test_glob_ten_thousand_profiles):
            test(root)
    if failures:
        print(f"{len(failures)} failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
