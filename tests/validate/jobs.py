#!/usr/bin/env python3
"""validate -j N prints byte for byte what -j 1 prints (issue 4).

usage: jobs.py QEMUC

Generates 240 profiles in a temporary directory, named half by relative and half by absolute
path: boards extending a few shared bases (some
bases broken, so that their problem is reported by several boards), boards with problems of
their own (unknown keys, bad values, missing parents, undefined variables) and clean ones. Runs
`qemuc validate` on all of them with -j 1, no -j (one per core), -j 2, -j 8 and -j 200, in gcc and json error formats,
and requires identical stdout, stderr and exit status. -j 200 runs under a 1 GiB address space,
where not all of its threads' stacks can be had: fewer threads must do the same work. The runs must also find problems, or the
comparison would prove nothing.
"""

import os
import resource
import subprocess
import sys
import tempfile

BASES = {
    "good": "abstract: true\nqemu: {target: x86_64, memory: 256, kernel: /k}\n",
    "arm": "abstract: true\nqemu: {target: aarch64, memory: 1G, kernel: /k}\ncmdline: [quiet]\n",
    "broken": "abstract: true\nqemu: {target: x86_64, memory: 256, kernel: /k, cpus: 0}\n",
    "typo": "abstract: true\nqemu: {target: x86_64, memory: 256, kernel: /k, kvm: yes}\n",
}

BOARD_KINDS = [
    "extends: ../base/{base}.yaml\nqemu: {{cpus: {n}}}\n",
    "extends: ../base/{base}.yaml\nqemu: {{cpuss: {n}}}\n",
    "extends: ../base/{base}.yaml\ncmdline: [\"x=${{undefined_{n}}}\"]\n",
    "extends: [../base/{base}.yaml, ../base/missing-{n}.yaml]\n",
    "extends: ../base/{base}.yaml\nqemu: {{drives: [{{id: d{n}, file: /d}}, {{id: d{n}, file: /e}}]}}\n",
    "extends: ../base/{base}.yaml\nvars: {{out: /o}}\nqemu: {{initrd: \"${{out}}/rd-{n}\"}}\n",
]


JOBS = ("1", "default", "2", "8", "200")


def limit_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def main():
    qemuc = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="qemuc-jobs-") as top:
        os.mkdir(os.path.join(top, "base"))
        os.mkdir(os.path.join(top, "boards"))
        for name, text in BASES.items():
            with open(os.path.join(top, "base", name + ".yaml"), "w") as f:
                f.write(text)
        boards = []
        for n in range(240):
            base = list(BASES)[n % len(BASES)]
            kind = BOARD_KINDS[(n // len(BASES)) % len(BOARD_KINDS)]
            path = os.path.join("boards", "board-%03d.yaml" % n)
            with open(os.path.join(top, path), "w") as f:
                f.write(kind.format(base=base, n=n + 1))
            # Half the boards by absolute path: which spelling reaches a shared base first must
            # not change how it is named.
            boards.append(os.path.join(top, path) if n % 2 else path)
        # Bases as profiles before and after the boards that extend them, and a board twice: a
        # file checked as a profile, let go and needed again must be reported the same.
        bases = [os.path.join("base", name + ".yaml") for name in BASES]
        boards = bases + boards + bases + boards[:3]
        runs = {}
        for error_format in ("gcc", "json"):
            for jobs in JOBS:
                jobs_option = [] if jobs == "default" else ["-j", jobs]
                result = subprocess.run([qemuc, "validate", *jobs_option, "--error-format", error_format] + boards,
                                        cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        preexec_fn=limit_address_space if jobs == "200" else None)
                runs[(error_format, jobs)] = (result.returncode, result.stdout, result.stderr)
    failed = False
    for error_format in ("gcc", "json"):
        reference = runs[(error_format, "1")]
        if reference[0] != 1 or reference[2].count(b"error") < 100:
            print("FAIL: -j 1 (%s) found too little: status %d, %d bytes of stderr" %
                  (error_format, reference[0], len(reference[2])))
            failed = True
        for jobs in JOBS[1:]:
            if runs[(error_format, jobs)] != reference:
                print("FAIL: --error-format %s: -j %s differs from -j 1" % (error_format, jobs))
                failed = True
    lines = runs[("gcc", "1")][2].count(b"\n")
    print("ok: %d profiles, %d lines of diagnostics, identical for -j %s" % (len(boards), lines,
                                                                           ", ".join(JOBS))
          if not failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
