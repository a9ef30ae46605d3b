#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from examples/ and tests/golden/.

usage: make_seeds.py SOURCE_ROOT OUT_DIR

OUT_DIR/loader/ and OUT_DIR/yaml_fast_path/: every profile file, as it is (both targets read one
file).
OUT_DIR/pipeline/: inputs in the format of tests/fuzz/README.md: each example board with all the
example files and each overlay file, and each golden case of compile, validate or resolve with the
case's files and its -O, -D, --set and kernel arguments.
Files over MAX_BYTES are left out: they only slow the fuzzer down. The directories are rebuilt.
"""

import hashlib
import pathlib
import shutil
import sys

MAX_BYTES = 64 * 1024
# Options of compile, validate and resolve that take a value, as the golden cmd files write them.
VALUE_OPTIONS = {"-O": "-O", "--overlay": "-O", "-D": "-D", "--define": "-D", "--set": "--set",
                 "-f": None, "--format": None, "-o": None, "--output": None, "-j": None,
                 "--jobs": None, "--error-format": None, "--output-format": None}


def profile_files(directory):
    """The .yaml/.yml files under `directory`, as (name relative to it, bytes), sorted."""
    found = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [(str(p.relative_to(directory)), p.read_bytes()) for p in found]


def pipeline_input(files, profile, options, kernel_args):
    """The profile's file first, then the others; then the option lines."""
    ordered = sorted(files, key=lambda f: f[0] != profile)
    parts = []
    for name, text in ordered:
        newline = b"" if text.endswith(b"\n") else b"\n"
        parts.append(b"%%% " + name.encode() + b"\n" + text + newline)
    lines = [f"{option} {value}" for option, value in options] + [f"-- {a}" for a in kernel_args]
    if lines:
        parts.append(("%%%\n" + "\n".join(lines) + "\n").encode())
    return b"".join(parts)


def golden_command(cmd_text):
    """(profile or None, [(option, value)], kernel args) of a case's cmd, or None if not a run."""
    args = cmd_text.split("\n")
    if args and args[-1] == "":
        args.pop()
    if not args or args[0] not in ("compile", "validate", "resolve"):
        return None
    positionals, options, kernel_args = [], [], []
    rest = args[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            kernel_args = rest
            break
        name, equals, value = arg.partition("=")
        if arg.startswith("--") and equals and name in VALUE_OPTIONS:
            pass
        elif arg in VALUE_OPTIONS and rest:
            name, value = arg, rest.pop(0)
        elif arg[:2] in ("-O", "-D", "-f", "-o", "-j") and len(arg) > 2:
            name, value = arg[:2], arg[2:]
        elif arg.startswith("-"):
            continue
        else:
            positionals.append(arg)
            continue
        if VALUE_OPTIONS.get(name):
            options.append((VALUE_OPTIONS[name], value))
    return (positionals[0] if positionals else None), options, kernel_args


def seeds(root):
    """(seed name, bytes) of both targets: ("loader" | "pipeline", name, bytes)."""
    examples = root / "examples"
    example_files = profile_files(examples)
    for name, text in example_files:
        yield "loader", "examples-" + name, text
    boards = [name for name, _ in example_files if name.startswith("boards/")]
    overlays = [name for name, _ in example_files if name.startswith("overlays/")]
    for board in boards:
        stem = "examples-" + pathlib.Path(board).stem
        yield "pipeline", stem, pipeline_input(example_files, board, [], [])
        for overlay in overlays:
            yield "pipeline", f"{stem}-{pathlib.Path(overlay).stem}", \
                pipeline_input(example_files, board, [("-O", overlay)], ["console=ttyS0"])
    for case in sorted((root / "tests" / "golden").iterdir()):
        files = profile_files(case) if case.is_dir() else []
        for name, text in files:
            yield "loader", f"golden-{case.name}-{name}", text
        command = golden_command((case / "cmd").read_text()) if (case / "cmd").is_file() else None
        if files and command:
            profile, options, kernel_args = command
            yield "pipeline", "golden-" + case.name, \
                pipeline_input(files, profile, options, kernel_args)


def main(args):
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root, out = pathlib.Path(args[0]), pathlib.Path(args[1])
    seen = set()
    for target in ("loader", "pipeline", "yaml_fast_path"):
        shutil.rmtree(out / target, ignore_errors=True)
        (out / target).mkdir(parents=True)
    for target, name, text in seeds(root):
        digest = hashlib.sha1(text).digest()
        if len(text) > MAX_BYTES or (target, digest) in seen:
            continue
        seen.add((target, digest))
        (out / target / name.replace("/", "-")).write_bytes(text)
        if target == "loader":
            (out / "yaml_fast_path" / name.replace("/", "-")).write_bytes(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
