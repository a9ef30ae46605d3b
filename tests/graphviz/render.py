#!/usr/bin/env python3
"""`qemuc graph` read by Graphviz itself: `dot -Tsvg` renders the graph of a small tree whose file
names hold quotes, backslashes, a newline, `<`, `>`, `&`, entities, escapes Graphviz knows (`\\N`)
and non-ASCII; the SVG (xml.etree) must have exactly the expected nodes and edges, each node
labelled with its file name, abstract files dashed and the others not.

usage: render.py QEMUC     (exit 77, skipped, when Graphviz's dot is not installed)
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"
VM = "qemu: {target: x86_64, memory: 64, kernel: /k}\n"

# Abstract bases with hostile names, relative to the tree.
QUOTED = 'base/x86 "quoted".yaml'
BACKSLASH = "base/back\\slash\\.yaml"
NEWLINE = "base/new\nline.yaml"
MARKUP = "base/<b>a</b> & &amp; &#65; {x|y}.yaml"
ESCAPES = "base/\\N \\G \\l \\n.yaml"
UNICODE = "base/é ü 😀 $%#:,.yaml"
BASES = [QUOTED, BACKSLASH, NEWLINE, MARKUP, ESCAPES, UNICODE]

ONE = "boards/one.yaml"
TWO = "boards/two $%#, 'it'.yaml"
THREE = "boards/thrée.yaml"


def quoted_yaml(path):
    """A YAML double-quoted string (JSON is YAML) holding the path."""
    return json.dumps(path, ensure_ascii=False)


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as file:
        file.write(text)


def make_tree(root):
    """The tree, and the extends edges it must give: (child, parent, label)."""
    for base in BASES:
        write(root, base, "abstract: true\n" + (VM if base == QUOTED else ""))
    parents = {
        ONE: [QUOTED, BACKSLASH, NEWLINE],
        TWO: [MARKUP, ESCAPES, UNICODE, QUOTED],
        THREE: [QUOTED],
    }
    edges = []
    for board, board_parents in parents.items():
        entries = ", ".join(quoted_yaml("../" + parent) for parent in board_parents)
        write(root, board, "extends: [%s]\nname: board%d\n" % (entries, len(edges)))
        for index, parent in enumerate(board_parents):
            label = str(index + 1) if len(board_parents) > 1 else ""
            edges.append((board, parent, label))
    return edges


def title(name):
    """The SVG title of a node: its DOT name as Graphviz keeps it, the escapes of a label (a
    backslash doubled, a newline as backslash-n) not yet applied."""
    return name.replace("\\", "\\\\").replace("\n", "\\n")


def texts(group):
    return "\n".join(text.text or "" for text in group.iter(SVG + "text"))


def is_dashed(group):
    shapes = list(group.iter(SVG + "polygon")) + list(group.iter(SVG + "path"))
    return any(shape.get("stroke-dasharray") for shape in shapes)


def check(condition, message, failures):
    if not condition:
        failures.append(message)


def main():
    qemuc = os.path.abspath(sys.argv[1])
    dot = shutil.which("dot")
    if dot is None:
        print("SKIP: Graphviz's dot is not installed (apt-get install graphviz)")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as root:
        expected_edges = make_tree(root)
        graph = subprocess.run([qemuc, "graph", ONE, TWO, THREE], cwd=root, capture_output=True)
        if graph.returncode != 0 or graph.stderr:
            print("qemuc graph failed (%d):\n%s" % (graph.returncode, graph.stderr.decode()))
            return 1
        rendered = subprocess.run([dot, "-Tsvg"], input=graph.stdout, capture_output=True)
        if rendered.returncode != 0 or rendered.stderr:
            print("dot failed (%d):\n%s" % (rendered.returncode, rendered.stderr.decode()))
            print(graph.stdout.decode())
            return 1
    svg = ElementTree.fromstring(rendered.stdout)
    nodes = {}
    edges = collections.Counter()
    edge_labels = collections.defaultdict(list)
    for group in svg.iter(SVG + "g"):
        kind = group.get("class")
        name = group.find(SVG + "title").text if group.find(SVG + "title") is not None else None
        if kind == "node":
            nodes[name] = group
        elif kind == "edge":
            edges[name] += 1
            edge_labels[name].append(texts(group))

    files = BASES + [ONE, TWO, THREE]
    check(sorted(nodes) == sorted(title(f) for f in files),
          "nodes: %r, expected %r" % (sorted(nodes), sorted(title(f) for f in files)), failures)
    for file in files:
        group = nodes.get(title(file))
        if group is None:
            continue
        check(texts(group) == file, "node %r shows %r" % (file, texts(group)), failures)
        abstract = file in BASES
        check(is_dashed(group) == abstract,
              "node %r: dashed %s, abstract %s" % (file, is_dashed(group), abstract), failures)

    wanted = collections.Counter(title(c) + "->" + title(p) for c, p, _ in expected_edges)
    check(edges == wanted, "edges: %r, expected %r" % (edges, wanted), failures)
    for child, parent, label in expected_edges:
        shown = edge_labels.get(title(child) + "->" + title(parent), [])
        check(shown == [label], "edge %r -> %r labelled %r, expected %r" %
              (child, parent, shown, label), failures)

    for failure in failures:
        print("FAIL:", failure)
    if failures:
        print(graph.stdout.decode())
        return 1
    print("ok: %d nodes and %d edges as expected" % (len(nodes), sum(edges.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
