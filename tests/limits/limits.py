#!/usr/bin/env python3
"""Hostile profiles too big to commit, generated here: each must exit 1 with one clear error, in
little CPU time and bounded memory (README "Security and limits").

usage: limits.py QEMUC
"""
import os
import resource
import subprocess
import sys
import tempfile

VM = "qemu: {target: x86_64, memory: 1G, kernel: /k}\n"
MAX_CPU_SECONDS = 1.0  # user + system: wall time on a loaded CI machine says little
MAX_RSS_KB = 256 * 1024
SANITIZED = False  # set by main()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def doubling(count):
    """vars a0 .. a<count>, each twice the one before ("xx" first)."""
    return "vars:\n  a0: xx\n" + "".join(
        f"  a{i}: ${{a{i - 1}}}${{a{i - 1}}}\n" for i in range(1, count + 1))


def var_chain(root):
    n = 20000
    write(f"{root}/p.yaml", VM + "vars:\n" + "".join(
        f"  v{i}: ${{v{i + 1}}}\n" for i in range(n)) + f"  v{n}: end\n")
    return "variables nest more than 32 levels deep: v19968 -> v19969 -> v19970 -> ... -> v19998 -> v19999 -> v20000"


def var_cycle(root):
    n = 20000
    write(f"{root}/p.yaml", VM + "vars:\n" + "".join(
        f"  v{i}: ${{v{(i + 1) % n}}}\n" for i in range(n)))
    return "variable cycle: v0 -> v1 -> v2 -> ... -> v19998 -> v19999 -> v0"


def extends_chain(root):
    n = 20000
    for i in range(n):
        write(f"{root}/c{i}.yaml", f"extends: c{i + 1}.yaml\n" if i + 1 < n else "abstract: true\n")
    write(f"{root}/p.yaml", "extends: c0.yaml\n" + VM)
    return "c30.yaml:1:10: error: extends chain too long: this entry makes it 33 files from p.yaml; at most 32 are allowed"


def extends_wide(root):
    for i in range(1000):
        write(f"{root}/w{i}.yaml", "abstract: true\n")
    write(f"{root}/p.yaml", "extends:\n" + "".join(f"  - w{i}.yaml\n" for i in range(1000)) + VM)
    return "p.yaml:257:5: error: too many files: a profile may be made of at most 256 files"


def value_doubling(root):
    write(f"{root}/p.yaml", VM + doubling(40))
    return "p.yaml:19:14: error: interpolation makes the value longer than 131071 bytes here"


def many_big_values(root):
    # a15 is 64 KiB; 50,000 variables of it would be 3.2 GB.
    write(f"{root}/p.yaml", VM + doubling(15) + "".join(f"  b{i}: ${{a15}}\n" for i in range(50000)))
    return "error: the profile and its variables grow to more than 4194304 bytes of text after interpolation"


def aliased_interpolation(root):
    write(f"{root}/p.yaml", doubling(15) + "qemu:\n  target: x86_64\n  memory: 1G\n  kernel: /k\n"
          "  extra_args:\n    - &x \"${a15}\"\n" + "    - *x\n" * 40000)
    return "error: the profile and its variables grow to more than 4194304 bytes of text after interpolation"


def aliased_string(root):
    # One 600 kB string aliased 43,000 times: under the node budget, 25 GB of text.
    write(f"{root}/p.yaml", VM + "vars:\n  big: &b " + "x" * 600000 + "\n  list:\n" +
          "    - *b\n" * 43000)
    return "error: the document expands to more than 4194304 bytes of keys and values"


def parent_not_yaml(root):
    write(f"{root}/p.yaml", "extends: /etc/shadow\n" + VM)
    return "p.yaml:1:10: error: refusing to read /etc/shadow: not a .yaml or .yml file"


def parent_link_not_yaml(root):
    # A committed link with a .yaml name that leads to a secret: refused by every command, and
    # not a byte of the secret in the output.
    write(f"{root}/secret.txt", "root:$6$secret-hash:19000::\n")
    os.symlink("secret.txt", f"{root}/base.yaml")
    write(f"{root}/p.yaml", "extends: base.yaml\n" + VM)
    return (f"p.yaml:1:10: error: refusing to read base.yaml: it leads to {root}/secret.txt, "
            "not a .yaml or .yml file")


def earlier_values(root):
    # A wrong kind in each of 10,000 drives (70,000 nodes in all), each noted at the value it would
    # change in the base. The first 20 are shown; the count of the rest proves all were found.
    n = 10000
    write(f"{root}/base.yaml", "abstract: true\nqemu:\n  drives:\n" + "".join(
        f"    - id: d{i}\n      file: /f{i}\n" for i in range(n)))
    write(f"{root}/p.yaml", "extends: base.yaml\nqemu:\n  target: x86_64\n  memory: 1G\n"
          "  kernel: /k\n  drives:\n" + "".join(
        f"    - id: d{i}\n      file: [x]\n" for i in range(n)))
    return ("note: the earlier value is a scalar at base.yaml:43:13\n"
            "p.yaml: note: 9980 more errors in p.yaml not shown\n", "many")


def many_full_files(root):
    # 100 parents of 60,000 nodes each: every one within a document's budget, 6 million together.
    body = "abstract: true\nqemu:\n  extra_args:\n" + "    - x\n" * 60000
    for i in range(100):
        write(f"{root}/f{i}.yaml", body)
    write(f"{root}/p.yaml", "extends:\n" + "".join(f"  - f{i}.yaml\n" for i in range(100)) + VM)
    return ("p.yaml:3:5: error: the files of this profile hold more than 100000 nodes "
            "(aliases count once per use) in all")


def many_comment_files(root):
    # 200 parents of 1 MiB of comments: no nodes, but 200 MiB to read (10 s). The text of all
    # files of a profile is bounded like one document's.
    body = "abstract: true\n" + ("#" + "x" * 1000 + "\n") * 1040
    for i in range(200):
        write(f"{root}/f{i}.yaml", body)
    write(f"{root}/p.yaml", "extends: [" + ", ".join(f"f{i}.yaml" for i in range(200)) + "]\n" + VM)
    return ("p.yaml:1:47: error: the files of this profile hold more than 4194304 bytes of text "
            "in all")


def empty_items(root):
    # 1 MiB of "[,,,," is a million empty items, each an error that makes no node: the parser
    # stops after 100 errors in one file instead of keeping a million (400 MB, then bad_alloc).
    write(f"{root}/p.yaml", VM + "cmdline: [" + "," * 1000000 + "]\n")
    return ("p.yaml: note: 81 more errors in p.yaml not shown", "many")


CASES = [var_chain, var_cycle, extends_chain, extends_wide, value_doubling, many_big_values,
         aliased_interpolation, aliased_string, parent_not_yaml, parent_link_not_yaml,
         earlier_values, many_full_files, many_comment_files, empty_items]
COMMANDS = [["validate"], ["compile", "--no-host-checks", "-f", "args"], ["resolve"]]


def sanitized(qemuc):
    """True for a build with AddressSanitizer: slower, larger, and it cannot run under RLIMIT_AS."""
    with open(qemuc, "rb") as f:
        return b"__asan_init" in f.read()


def limit_child(address_space=True):
    # A regression must fail the test, not take the machine down with it.
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run(qemuc, command, cwd):
    """Exit status, stdout, stderr, CPU seconds and max RSS (KB) of one run of qemuc."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([qemuc] + command + ["p.yaml"], cwd=cwd,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   preexec_fn=lambda: limit_child(not SANITIZED))
        # wait4: the usage of this child alone.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (process.returncode, out.read(), err.read().decode("utf-8", "replace"),
                usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def check(qemuc, command, root, expected):
    """The problems with one run, after printing its figures. `expected` is the text stderr must
    hold, or that and "many" when there is an error for each of many problems."""
    expected, many = expected if isinstance(expected, tuple) else (expected, None)
    returncode, stdout, stderr, cpu, rss = run(qemuc, command, root)
    errors = stderr.count(": error: ")
    problems = []
    if returncode != 1:
        problems.append(f"exit status {returncode}, not 1")
    if expected not in stderr:
        problems.append(f"stderr lacks {expected!r}")
    if many is None and errors != 1:
        problems.append(f"{errors} errors, not 1")
    if stdout:
        problems.append("output on stdout")
    if "secret-hash" in stderr:
        problems.append("a line of a file that is not a profile reached stderr")
    if cpu > MAX_CPU_SECONDS:
        problems.append(f"{cpu:.2f} s of CPU, more than {MAX_CPU_SECONDS}")
    if rss > MAX_RSS_KB:
        problems.append(f"{rss} KB resident, more than {MAX_RSS_KB}")
    print(f"{'FAIL' if problems else 'ok  '} {command[0]}: {cpu:.2f} s CPU, max RSS {rss} KB")
    for problem in problems:
        print(f"     {problem}")
    if problems:
        print(f"     stderr: {stderr[:400]!r}")
    return problems


def main():
    global SANITIZED, MAX_CPU_SECONDS, MAX_RSS_KB
    qemuc = os.path.abspath(sys.argv[1])
    SANITIZED = sanitized(qemuc)
    if SANITIZED:
        MAX_CPU_SECONDS *= 4
        MAX_RSS_KB *= 4
    failures = 0
    for case in CASES:
        print(case.__name__)
        with tempfile.TemporaryDirectory() as root:
            expected = case(root)
            for command in COMMANDS:
                failures += bool(check(qemuc, command, root, expected))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
