#!/usr/bin/env python3
"""examples/graph.svg, the picture of the example tree in the README, is what Debian's graphviz
draws from `qemuc graph -C examples` today: a change to the examples or to graph's output that is
not drawn again fails here. To draw it again:

    build/qemuc graph -C examples | dot -Tsvg -o examples/graph.svg

usage: examples_svg.py QEMUC SOURCE_ROOT     exit 77 (skip) when dot is missing
"""
import shutil
import subprocess
import sys


def main():
    qemuc, root = sys.argv[1], sys.argv[2]
    if shutil.which("dot") is None:
        print("SKIP: dot not installed (scripts/setup --test installs graphviz)")
        return 77
    dot_text = subprocess.run([qemuc, "graph", "-C", root + "/examples"], check=True,
                              capture_output=True).stdout
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot_text, check=True,
                           capture_output=True).stdout
    with open(root + "/examples/graph.svg", "rb") as f:
        checked_in = f.read()
    if drawn != checked_in:
        print("FAIL: examples/graph.svg is stale; draw it again with\n"
              "    build/qemuc graph -C examples | dot -Tsvg -o examples/graph.svg")
        return 1
    print("ok: examples/graph.svg is what qemuc graph and dot draw today")
    return 0


if __name__ == "__main__":
    sys.exit(main())
