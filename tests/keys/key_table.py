#!/usr/bin/env python3
"""The README's key table and the keys of the field table, checked against each other.

    key_table.py fresh README -- TOOL
        README's table (between <!-- key-table:begin --> and <!-- key-table:end -->) is what
        `TOOL --update` writes, TOOL being build/qemuc-key-reference; on a difference, the diff
        and the command that regenerates it.
    key_table.py covered ROOT UNTESTED -- TOOL
        every key path that `TOOL --paths` prints has a description in `TOOL`'s table, a row in
        ROOT/README.md's table, and is set by a test input: a YAML file under ROOT/tests/golden/
        or ROOT/examples/, or a `--set PATH=VALUE` of a ROOT/tests/golden/*/cmd. UNTESTED lists
        the paths known to be set by no test (one a line, `#` comments): each must still be
        untested, so that the list only shrinks.

How a test input sets a key path: the keys of a profile's mappings joined by "."; the items of
a list of mappings add "[]" (`qemu.drives[].file`); an overlay's body is a profile, so
`overlays.kvm.qemu.kvm` sets `qemu.kvm`. A `--set` path's `[KEY]` is `[]` too, and a mapping as
its value sets the keys in it. Project files (qemuc.yaml) are not profiles. A file PyYAML
cannot read (the golden cases hold broken YAML on purpose) sets nothing. `covered` needs
python3-yaml and exits 77 (SKIP) without it.
"""
import difflib
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
BEGIN = "<!-- key-table:begin -->"
END = "<!-- key-table:end -->"
PROJECT_FILES = {"qemuc.yaml", "qemuc.yml"}
MAX_FILE_BYTES = 1 << 20
# Alias bombs are golden cases too; a profile's keys are a few levels deep.
MAX_DEPTH = 16
MAX_VISITS = 100_000


def fresh(readme, tool):
    with tempfile.TemporaryDirectory() as scratch:
        copy = pathlib.Path(scratch) / "README.md"
        shutil.copyfile(readme, copy)
        run = subprocess.run(tool + ["--update", str(copy)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            print(run.stderr.replace(str(copy), readme), end="")
            print(f"{shlex.join(tool)} --update failed on {readme}")
            return 1
        stored = pathlib.Path(readme).read_text(encoding="utf-8")
        generated = copy.read_text(encoding="utf-8")
    regenerate = shlex.join(tool + ["--update", readme])
    if stored == generated:
        print(f"{readme}'s key table is what {shlex.join(tool)} prints")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        stored.splitlines(keepends=True), generated.splitlines(keepends=True),
        f"{readme} (checked in)", f"{readme} (from the field table)"))
    print(f"\n{readme}'s key table is stale; review the diff above, then regenerate it with\n"
          f"  {regenerate}")
    return 1


def table_rows(markdown):
    """(path, description) of each row of a table that KeyTableMarkdown wrote."""
    rows = []
    for line in markdown.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append((cells[0].strip("`").replace("\\|", "|"), cells[-1]))
    return rows


def readme_table(readme):
    text = pathlib.Path(readme).read_text(encoding="utf-8")
    lines = text.splitlines()
    if BEGIN not in lines or END not in lines:
        return None
    return "\n".join(lines[lines.index(BEGIN) + 1:lines.index(END)])


class Walker:
    """The key paths that profiles and --set values set."""

    def __init__(self):
        self.paths = set()
        self.visits = 0

    def add(self, path):
        self.paths.add(path)
        # `overlays.NAME.` begins a profile of its own.
        match = re.fullmatch(r"overlays\.[^.\[]+\.(.+)", path)
        if match:
            self.add(match.group(1))

    def walk(self, node, prefix, depth=0):
        self.visits += 1
        if depth > MAX_DEPTH or self.visits > MAX_VISITS:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    continue
                path = prefix + key
                self.add(path)
                if prefix == "" and key == "overlays" and isinstance(value, dict):
                    for body in value.values():
                        self.walk(body, "", depth + 1)
                else:
                    self.walk_value(value, path, depth)
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, dict):
                    self.walk(item, prefix, depth + 1)

    def walk_value(self, value, path, depth):
        if isinstance(value, dict):
            self.walk(value, path + ".", depth + 1)
        elif isinstance(value, list):
            self.walk(value, path + "[].", depth + 1)

    def set_argument(self, assignment, load):
        path, equals, value = assignment.partition("=")
        if not equals:
            return
        path = re.sub(r"\[[^\]]*\]", "[]", path)
        parts = path.split(".")
        for end in range(1, len(parts) + 1):
            self.add(".".join(parts[:end]).removesuffix("[]"))
        try:
            parsed = load(value)
        except Exception:  # a --set value that is not YAML (a case about that) sets no keys
            return
        if path.endswith("[]"):
            self.walk(parsed, path + ".")
        else:
            self.walk_value(parsed, path, 0)


def yaml_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # qemuc's merge tags (!override, !reset, !delete) and any other: the node as untagged.
    def untagged(loader, _suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", untagged)

    def load_all(text):
        return list(yaml.load_all(text, Loader=Loader))

    def load(text):
        return yaml.load(text, Loader=Loader)

    return load_all, load


def profile_files(root):
    for top in ("tests/golden", "examples"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.name not in PROJECT_FILES \
                    and path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
                yield path


def set_paths(root):
    load_all, load = yaml_loader()
    walker = Walker()
    for path in profile_files(root):
        try:
            documents = load_all(path.read_text(encoding="utf-8"))
        except Exception:  # broken on purpose: the golden cases of bad YAML
            continue
        for document in documents:
            walker.visits = 0
            walker.walk(document, "")
    for cmd in sorted((root / "tests/golden").glob("*/cmd")):
        arguments = cmd.read_text(encoding="utf-8", errors="replace").split("\n")
        for i, argument in enumerate(arguments):
            if argument == "--set" and i + 1 < len(arguments):
                walker.set_argument(arguments[i + 1], load)
            elif argument.startswith("--set="):
                walker.set_argument(argument.removeprefix("--set="), load)
    return walker.paths


def read_untested(path):
    untested = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            untested.append(line)
    return untested


def report(title, paths):
    if paths:
        print(f"{title}:")
        for path in paths:
            print(f"  {path}")
    return bool(paths)


def covered(root, untested_file, tool):
    try:
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"SKIP: python3-yaml not installed ({error}); scripts/setup --test installs it")
        return SKIP
    root = pathlib.Path(root)
    keys = subprocess.run(tool + ["--paths"], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()
    table = subprocess.run(tool, check=True, stdout=subprocess.PIPE, text=True).stdout
    readme = root / "README.md"
    readme_rows = readme_table(readme)
    if readme_rows is None:
        print(f"{readme} has no key table: no line {BEGIN} and {END}")
        return 1
    in_readme = {path for path, _ in table_rows(readme_rows)}
    set_by_tests = set_paths(root)
    untested = read_untested(untested_file)
    missing = [path for path in keys if path not in set_by_tests]
    failed = report("keys without a description in the field table (src/schema.cc)",
                    [path for path, description in table_rows(table) if not description])
    failed |= report(f"keys missing from {readme}'s key table (regenerate it: "
                     f"{shlex.join(tool + ['--update', str(readme)])})",
                     [path for path in keys if path not in in_readme])
    failed |= report("keys that no test input sets (tests/golden/*/*.yaml, examples/*.yaml, "
                     "--set in tests/golden/*/cmd); add a test that sets each",
                     [path for path in missing if path not in untested])
    failed |= report(f"keys listed in {untested_file} that are not untested keys any more "
                     "(a test sets them now, or the table has no such key): remove their lines",
                     [path for path in untested if path not in missing])
    if not failed:
        print(f"{len(keys)} keys: each described, in {readme}'s table and set by a test input, "
              f"but the {len(untested)} known untested ones of {untested_file}")
    return 1 if failed else 0


def main(argv):
    if "--" not in argv:
        print(__doc__)
        return 2
    split = argv.index("--")
    args, tool = argv[1:split], argv[split + 1:]
    # Meson runs tests in the build directory and names the tool relative to it; the command the
    # message gives must work from anywhere.
    if tool and os.sep in tool[0]:
        tool[0] = os.path.abspath(tool[0])
    if args[:1] == ["fresh"] and len(args) == 2 and tool:
        return fresh(args[1], tool)
    if args[:1] == ["covered"] and len(args) == 3 and tool:
        return covered(args[1], args[2], tool)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
