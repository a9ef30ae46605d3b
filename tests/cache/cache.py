#!/usr/bin/env python3
"""The result cache of validate and check (issue 14): what invalidates a result, and what never
comes from the cache.

usage: cache.py QEMUC

Each case runs qemuc with its own XDG_CACHE_HOME and --cache-stats, and reads how many profiles
the cache answered ("qemuc: cache: H of N profiles unchanged"). Editing a parent invalidates the
boards that extend it and no other; an overlay file, a define and qemuc itself (a copy whose GNU
build ID differs) are part of the key; a profile with problems is checked again every time; a
corrupt, cut or foreign cache file is ignored; --no-cache neither reads nor writes; and the output
with a warm cache is byte for byte the output without one.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

failures = []

BASE = "abstract: true\nvars: {{X: none}}\nqemu: {{target: {target}, memory: 256, kernel: /k}}\n"
OVERLAY = "abstract: true\nqemu: {memory: 512}\n"


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)


class Repo:
    def __init__(self, qemuc, top):
        self.qemuc, self.top = qemuc, top
        self.cache = os.path.join(top, "cache home")  # a space: the path is used as it is
        for directory in ("base", "boards", "overlays"):
            os.mkdir(os.path.join(top, directory))
        self.write("base/a.yaml", BASE.format(target="x86_64"))
        self.write("base/b.yaml", BASE.format(target="aarch64"))
        for board, base in (("a1", "a"), ("a2", "a"), ("b1", "b")):
            self.write(f"boards/{board}.yaml", f"extends: ../base/{base}.yaml\ncmdline: [id={board}, 'x=${{X}}']\n")
        self.write("overlays/o.yaml", OVERLAY)
        self.boards = ["boards/a1.yaml", "boards/a2.yaml", "boards/b1.yaml"]

    def write(self, path, text):
        with open(os.path.join(self.top, path), "w") as f:
            f.write(text)

    def run(self, *args, qemuc=None, cache=None, stats=True):
        env = dict(os.environ, XDG_CACHE_HOME=cache or self.cache, NO_COLOR="1", LC_ALL="C.UTF-8")
        command = [qemuc or self.qemuc, *args] + (["--cache-stats"] if stats else [])
        return subprocess.run(command, cwd=self.top, env=env, capture_output=True, text=True)

    def hits(self, *args, **kwargs):
        """Runs validate (or what args say) and returns (hits, total) from --cache-stats."""
        result = self.run(*(args or ("validate", *self.boards)), **kwargs)
        found = re.search(r"qemuc: cache: (\d+) of (\d+) profiles", result.stderr)
        if found is None:
            return None
        return int(found.group(1)), int(found.group(2))


def parents_and_boards(repo):
    check(repo.hits() == (0, 3), "a cold cache answers nothing")
    check(repo.hits() == (3, 3), "run again, every board is answered")
    repo.write("base/a.yaml", BASE.format(target="x86_64") + "# a comment is an edit too\n")
    check(repo.hits() == (1, 3), "editing base/a.yaml invalidates a1 and a2, not b1")
    check(repo.hits() == (3, 3), "and the new results are kept")
    repo.write("boards/a2.yaml", "extends: ../base/a.yaml\ncmdline: [id=a2, changed]\n")
    check(repo.hits() == (2, 3), "editing a board invalidates that board alone")


def overlays_and_defines(repo):
    repo.hits()
    check(repo.hits("validate", "-O", "overlays/o.yaml", *repo.boards) == (0, 3),
          "an overlay file is part of the key")
    check(repo.hits("validate", "-O", "overlays/o.yaml", *repo.boards) == (3, 3),
          "the same overlay file again: answered")
    repo.write("overlays/o.yaml", OVERLAY.replace("512", "768"))
    check(repo.hits("validate", "-O", "overlays/o.yaml", *repo.boards) == (0, 3),
          "editing the overlay file invalidates every result that applied it")
    check(repo.hits() == (3, 3), "and none of those without it")
    check(repo.hits("validate", "-D", "X=1", *repo.boards) == (0, 3), "a define is part of the key")
    check(repo.hits("validate", "-D", "X=2", *repo.boards) == (0, 3), "so is its value")
    check(repo.hits("validate", "-D", "X=1", *repo.boards) == (3, 3), "X=1 again: answered")


def problems_are_never_cached(repo):
    repo.hits()
    repo.write("boards/a1.yaml", "extends: ../base/a.yaml\nqemu: {cpus: 0}\n")
    for attempt in ("first", "second"):
        result = repo.run("validate", *repo.boards)
        check(result.returncode == 1 and "must be between 1 and" in result.stderr
              and "qemuc: cache: 2 of 3" in result.stderr,
              f"a board with an error is checked and reported again ({attempt} run)")
    plain = [repo.run("validate", *repo.boards, stats=False) for _ in range(2)]
    bare = repo.run("validate", "--no-cache", *repo.boards, stats=False)
    same = all((r.returncode, r.stdout, r.stderr) == (bare.returncode, bare.stdout, bare.stderr)
               for r in plain)
    check(same, "the output with a warm cache is the output without one, byte for byte")


def build_id(path):
    notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
    found = re.search(r"Build ID: ([0-9a-f]+)", notes)
    return bytes.fromhex(found.group(1)) if found else None


def another_qemuc(repo):
    """A copy of qemuc whose build ID differs in one byte: another build, its own results."""
    identity = build_id(repo.qemuc) if shutil.which("readelf") else None
    if identity is None:
        print("SKIP (another qemuc): readelf is missing, or qemuc has no GNU build ID")
        return
    with open(repo.qemuc, "rb") as f:
        program = f.read()
    if program.count(identity) != 1:
        print("SKIP (another qemuc): the build ID is not found exactly once in the file")
        return
    changed = bytes([identity[0] ^ 1]) + identity[1:]
    other = os.path.join(repo.top, "other-qemuc")
    with open(other, "wb") as f:
        f.write(program.replace(identity, changed))
    os.chmod(other, 0o755)
    repo.hits()
    check(repo.hits() == (3, 3), "the same qemuc answers from the cache")
    check(repo.hits(qemuc=other) == (0, 3), "a qemuc of another build trusts none of it")
    check(repo.hits() == (0, 3), "nor does the first trust the other's file, which replaced it")


HEADER = 16 + 32  # magic and the identity of the qemuc that wrote it
ENTRY = 16 + 16 + 16 + 4  # key, the profile's digest and stamp, its list of other files


def entries_at(data):
    """The offset of the entry count: after the lists of other files (see result_cache.h)."""
    at = HEADER + 4
    for _ in range(int.from_bytes(data[HEADER:HEADER + 4], "little")):
        files = int.from_bytes(data[at:at + 2], "little")
        at += 2
        for _ in range(files):
            at += 2 + int.from_bytes(data[at:at + 2], "little") + 16
    return at


def resealed(body):
    """A file a corrupting writer could make: the structure wrong, the checksum right."""
    return body + hashlib.sha256(body).digest()


def forged_list_count(data):
    return resealed(data[:HEADER] + b"\xff\xff\xff\xff" + data[HEADER + 4:-32])


def forged_entry_count(data):
    at = entries_at(data)
    return resealed(data[:at] + b"\xff\xff\xff\xff" + data[at + 4:-32])


def forged_order(data):
    at = entries_at(data) + 4
    first, second = data[at:at + ENTRY], data[at + ENTRY:at + 2 * ENTRY]
    return resealed(data[:at] + second + first + data[at + 2 * ENTRY:-32])


def duplicate_lists(repo):
    """A file (with a right checksum) that holds a list of parents twice: each entry still
    checks the list it names (qemuc merges equal lists, which once shifted every later index)."""
    repo.hits()
    results = os.path.join(repo.cache, "qemuc", "results")
    with open(results, "rb") as f:
        data = f.read()
    count = int.from_bytes(data[HEADER:HEADER + 4], "little")
    at, lists = HEADER + 4, []
    for _ in range(count):
        start, files = at, int.from_bytes(data[at:at + 2], "little")
        at += 2
        for _ in range(files):
            at += 2 + int.from_bytes(data[at:at + 2], "little") + 16
        lists.append(data[start:at])
    entries_count = int.from_bytes(data[at:at + 4], "little")
    entries = [bytearray(data[at + 4 + i * ENTRY:at + 4 + (i + 1) * ENTRY])
               for i in range(entries_count)]
    for entry in entries:  # list 0 is written twice, in front: every index moves up one
        entry[48:52] = (int.from_bytes(entry[48:52], "little") + 1).to_bytes(4, "little")
    body = (data[:HEADER] + (count + 1).to_bytes(4, "little") + lists[0] + b"".join(lists)
            + data[at:at + 4] + b"".join(entries))
    with open(results, "wb") as f:
        f.write(resealed(body))
    check(repo.hits() == (3, 3), "a list held twice: every board is still answered")
    repo.write("base/b.yaml", BASE.format(target="aarch64") + "# edited\n")
    check(repo.hits() == (2, 3), "and checked against its own parents (b1 only is invalidated)")


def damaged_files(repo):
    results = os.path.join(repo.cache, "qemuc", "results")
    for name, damage in (("one byte changed", lambda b: b[:60] + bytes([b[60] ^ 0x40]) + b[61:]),
                         ("cut short", lambda b: b[: len(b) // 2]),
                         ("empty", lambda b: b""),
                         ("garbage", lambda b: os.urandom(len(b))),
                         ("claiming 2**32-1 lists, its SHA-256 recomputed", forged_list_count),
                         ("claiming 2**32-1 entries, its SHA-256 recomputed", forged_entry_count),
                         ("with its entries out of order, its SHA-256 recomputed",
                          forged_order)):
        repo.hits()
        check(repo.hits() == (3, 3), f"before damage ({name}): answered")
        with open(results, "rb") as f:
            data = f.read()
        with open(results, "wb") as f:
            f.write(damage(data))
        result = repo.run("validate", *repo.boards)
        check(result.returncode == 0 and "qemuc: cache: 0 of 3" in result.stderr,
              f"a cache file {name} is ignored, and validate still works")


def no_cache(repo):
    repo.hits()
    results = os.path.join(repo.cache, "qemuc", "results")
    before = os.stat(results)
    result = repo.run("validate", "--no-cache", *repo.boards)
    after = os.stat(results)
    check(result.returncode == 0 and "qemuc: no cache" in result.stderr
          and (before.st_mtime_ns, before.st_ino) == (after.st_mtime_ns, after.st_ino),
          "--no-cache neither answers from the cache nor writes it")
    unusable = os.path.join(repo.top, "a file")
    repo.write("a file", "")
    result = repo.run("validate", *repo.boards, cache=unusable)
    check(result.returncode == 0 and "qemuc: cache not saved:" in result.stderr,
          "a cache directory that cannot be made: validate works, the stats say why")


def batches_at_once(repo):
    """pre-commit runs batches of files in parallel processes: each adds to what the others
    saved, none replaces it."""
    env = dict(os.environ, XDG_CACHE_HOME=repo.cache)
    batches = [subprocess.Popen([repo.qemuc, "validate", board], cwd=repo.top, env=env)
               for board in repo.boards]
    statuses = [batch.wait() for batch in batches]
    check(statuses == [0, 0, 0] and repo.hits() == (3, 3),
          "three runs at once keep all three results")


def planted_link(repo):
    """In a shared cache directory, `results` may be a link someone planted: it is replaced,
    never written through."""
    os.makedirs(os.path.join(repo.cache, "qemuc"))
    victim = os.path.join(repo.top, "victim")
    repo.write("victim", "precious\n")
    results = os.path.join(repo.cache, "qemuc", "results")
    os.symlink(victim, results)
    result = repo.run("validate", *repo.boards)
    with open(victim) as f:
        kept = f.read()
    check(result.returncode == 0 and kept == "precious\n" and not os.path.islink(results)
          and repo.hits() == (3, 3),
          "a link planted as the cache file is replaced by the cache, its target untouched")


def link_to_another_name(repo):
    """A parent replaced by a link to the same bytes under a name that is not .yaml: a fresh run
    refuses it, so the cache must not answer."""
    repo.hits()
    check(repo.hits() == (3, 3), "before the link: answered")
    os.rename(os.path.join(repo.top, "base/b.yaml"), os.path.join(repo.top, "base/b.txt"))
    os.symlink("b.txt", os.path.join(repo.top, "base/b.yaml"))
    result = repo.run("validate", *repo.boards)
    check(result.returncode == 1 and "qemuc: cache: 2 of 3" in result.stderr,
          "a parent that became a link to a .txt file is refused again, not answered")


def stamps(repo):
    """Files older than the stamp margin are answered by their stamp (no read); an edit of the
    same size with the modification time put back is still seen, through the change time."""
    time.sleep(3.5)  # the margin: a file changed within 3 s before a run keeps no stamp
    check(repo.hits() == (0, 3), "old files: a cold cache answers nothing")
    check(repo.hits() == (3, 3), "and then every board, by its stamp")
    path = os.path.join(repo.top, "boards/a1.yaml")
    before = os.stat(path)
    with open(path) as f:
        text = f.read()
    repo.write("boards/a1.yaml", text.replace("id=a1", "id=z9"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    check(after.st_size == before.st_size and after.st_mtime_ns == before.st_mtime_ns,
          "the edit kept the size and the modification time")
    check(repo.hits() == (2, 3), "an edit that hides from size and modification time is seen")
    repo.write("boards/a1.yaml", text.replace("id=a1", "${YY}"))  # undefined, same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = repo.run("validate", *repo.boards)
    check(result.returncode == 1 and "qemuc: cache: 2 of 3" in result.stderr,
          "and an edit that breaks it is reported")


def check_command(repo):
    repo.write("qemuc.yaml", "profiles: [boards/*.yaml, base/*.yaml]\noutputs: []\n")
    first = repo.run("check")
    second = repo.run("check")
    check(first.returncode == 0 and "qemuc: cache: 0 of 5" in first.stderr,
          "check fills the cache as validate does")
    check(second.returncode == 0 and "qemuc: cache: 5 of 5" in second.stderr
          and first.stdout == second.stdout, "and is answered by it, with the same summary")


def main():
    qemuc = os.path.abspath(sys.argv[1])
    for case in (parents_and_boards, overlays_and_defines, problems_are_never_cached,
                 another_qemuc, duplicate_lists, damaged_files, no_cache, batches_at_once, planted_link, link_to_another_name,
                 stamps, check_command):
        with tempfile.TemporaryDirectory(prefix="qemuc-cache-") as top:
            case(Repo(qemuc, top))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
