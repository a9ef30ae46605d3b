#!/usr/bin/python3
"""Function lengths of qemuc's sources at a git revision, measured by clang's own parser.

    bench/function_lengths.py [--top N] [REV...]   (default HEAD; run inside the repository)
    REV: N functions, median M lines, p90 P lines
    --top N also prints the N longest functions, as LINES FILE:LINE, to check what is counted.

What is counted, over src/*.cc and src/*.h but *_test.cc (src/test_support.h included; not
src/tools/):
- every function with a body: free functions, methods, constructors, destructors, operators,
  conversion functions and templates of them, one-line accessors in headers included. Defaulted,
  deleted and pure virtual functions have no body and are not counted;
- every lambda that spans more than one line, as a function of its own (it is also part of the
  lines of the function around it). A one-line lambda is an expression (a comparator, a
  predicate), not a unit of code to read.
A function's length is its lines from the first line of its declaration (the `template <...>`
line of a template, the return type otherwise) to the line of its closing brace, both included:
comments and blank lines inside count. The median is Python's statistics.median; the 90th
percentile is the nearest rank (the smallest length that at least 90 % of functions do not
exceed).

The files are taken from the revision (`git archive`), not the work tree, and each file is
parsed as its own translation unit with libclang (Debian's python3-clang-14, for
/usr/bin/python3), C++17, `-Isrc -I.` and a stand-in for meson's generated version_config.h. A
function found in several translation units (a header's) is counted once, by file, line and
column. Parse errors are printed (there should be none) and their functions still counted:
libclang recovers and gives the extents of what it parsed.
"""
import math
import pathlib
import statistics
import subprocess
import sys
import tarfile
import tempfile

try:
    from clang import cindex
except ImportError as error:
    sys.exit(f"function_lengths.py: {error}: apt-get install python3-clang-14 "
             "(and run it with /usr/bin/python3)")

K = cindex.CursorKind
FUNCTION_KINDS = {K.FUNCTION_DECL, K.CXX_METHOD, K.CONSTRUCTOR, K.DESTRUCTOR,
                  K.CONVERSION_FUNCTION, K.FUNCTION_TEMPLATE}


def extract(rev, into):
    """src/ of `rev` under `into`, with a stand-in for the generated header."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "src"], check=True,
                             stdout=subprocess.PIPE).stdout
    with tempfile.TemporaryFile() as tar_file:
        tar_file.write(archive)
        tar_file.seek(0)
        with tarfile.open(fileobj=tar_file) as tar:
            tar.extractall(into)
    (into / "version_config.h").write_text('#define QEMUC_VERSION "0"\n')


def measured_files(root):
    src = root / "src"
    return sorted(path for path in list(src.glob("*.cc")) + list(src.glob("*.h"))
                  if not path.name.endswith("_test.cc"))


def has_body(cursor):
    return any(child.kind == K.COMPOUND_STMT for child in cursor.get_children())


def functions_in(cursor, files, found):
    """Adds (file, line, column) -> length for every counted function under `cursor`."""
    for node in cursor.walk_preorder():
        location = node.extent.start
        if location.file is None or location.file.name not in files:
            continue
        length = node.extent.end.line - location.line + 1
        counted = (node.kind in FUNCTION_KINDS and has_body(node)) or (
            node.kind == K.LAMBDA_EXPR and length > 1)
        if counted:
            found[(location.file.name, location.line, location.column)] = length


def measure(rev):
    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        extract(rev, root)
        paths = measured_files(root)
        files = {str(path) for path in paths}
        index = cindex.Index.create()
        found = {}
        for path in paths:
            language = "c++-header" if path.suffix == ".h" else "c++"
            unit = index.parse(str(path), args=["-x", language, "-std=c++17",
                                                f"-I{root / 'src'}", f"-I{root}"])
            for diagnostic in unit.diagnostics:
                if diagnostic.severity >= cindex.Diagnostic.Error:
                    print(f"{rev}: {diagnostic}", file=sys.stderr)
            # Only the declarations of our files: the system headers hold far more.
            for top in unit.cursor.get_children():
                if top.location.file is not None and top.location.file.name in files:
                    functions_in(top, files, found)
        # As the revision names them: src/x.cc, not the scratch directory.
        return {(str(pathlib.Path(file).relative_to(root)), line, column): length
                for (file, line, column), length in found.items()}


def main(args):
    top = 0
    if args[:1] == ["--top"] and len(args) >= 2:
        top, args = int(args[1]), args[2:]
    for rev in args or ["HEAD"]:
        found = measure(rev)
        lengths = sorted(found.values())
        p90 = lengths[math.ceil(0.9 * len(lengths)) - 1]
        print(f"{rev}: {len(lengths)} functions, median {statistics.median(lengths):g} lines, "
              f"p90 {p90} lines")
        longest = sorted(found.items(), key=lambda item: -item[1])[:top]
        for (file, line, _), length in longest:
            print(f"  {length:4} {file}:{line}")


if __name__ == "__main__":
    main(sys.argv[1:])
