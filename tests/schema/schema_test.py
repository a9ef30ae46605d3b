#!/usr/bin/env python3
"""The JSON Schema of the profile format, checked by an independent validator.

    schema_test.py fresh SCHEMA -- COMMAND...   the checked-in SCHEMA is what COMMAND prints
    schema_test.py meta SCHEMA                  a valid draft-07 schema, every mapping closed
    schema_test.py accepts SCHEMA DIR [QEMUC]   every *.yaml under DIR validates (and
                                                `QEMUC validate FILE...` accepts them all)
    schema_test.py rejects SCHEMA QEMUC DIR     every *.yaml under DIR is rejected by the schema
                                                and by `QEMUC validate`, each for its stated reason

COMMAND is whatever prints the schema (`qemuc schema`); `fresh` needs only Python. The others
need Debian's python3-jsonschema and python3-yaml, and exit 77 (SKIP) without them.

Profiles are read the way yaml-language-server reads them, so that the schema is tested as an
editor uses it:
- YAML 1.2 core schema: `yes`, `on`, `010` and `52:54:00:12:34:56` are not booleans or
  integers (PyYAML would read them as YAML 1.1);
- the merge directives are yaml-language-server custom tags, taken from the list the schema's
  description tells users to configure (`"yaml.customTags"`): a tagged scalar is its text
  (`!delete blk0` is "blk0", a bare `!reset` is ""), a tagged mapping or sequence is itself
  (`!override {...}` is the mapping). A tag on a kind the list does not declare is an error, as
  the editor would report it.

A rejected case is a YAML file whose leading comments say what is wrong and how each side
reports it:
    # schema-error: PATH: TEXT      an error at PATH (qemu.drives[0].id; "$" is the root) whose
                                    message contains TEXT
    # qemuc-error: TEXT             `qemuc validate FILE` exits 1 and its output contains TEXT
"""
import difflib
import json
import pathlib
import re
import shlex
import subprocess
import sys

SKIP = 77
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def fresh(schema_path, command):
    printed = subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout.decode()
    path = pathlib.Path(schema_path)
    stored = path.read_text(encoding="utf-8") if path.exists() else ""
    if printed == stored:
        print(f"{schema_path} is what {shlex.join(command)} prints")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        stored.splitlines(keepends=True), printed.splitlines(keepends=True),
        f"{schema_path} (checked in)", f"{shlex.join(command)} (from the field table)"))
    print(f"\n{schema_path} is stale; review the diff above, then regenerate it with\n"
          f"  {shlex.join(command)} > {shlex.quote(str(path))}")
    return 1


def import_validator():
    try:
        import jsonschema  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"SKIP: python3-jsonschema or python3-yaml not installed ({error}); "
              "scripts/setup --test installs them")
        sys.exit(SKIP)


def load_schema(schema_path):
    return json.loads(pathlib.Path(schema_path).read_text(encoding="utf-8"))


def subschemas(node):
    """Every JSON object in the schema (subschemas and the maps that hold them)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from subschemas(value)


def meta(schema_path):
    import jsonschema
    text = pathlib.Path(schema_path).read_text(encoding="utf-8")
    schema = json.loads(text)
    problems = []
    if schema.get("$schema") != DRAFT_07:
        problems.append(f"$schema is {schema.get('$schema')!r}, not {DRAFT_07!r}")
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        problems.append(f"not a valid draft-07 schema: {error.message} at {list(error.path)}")
    # A mapping of the profile lists its keys and refuses others; vars and overlays, whose keys
    # are names, say what every value must be.
    for node in subschemas(schema):
        if node.get("type") != "object":
            continue
        closed = node.get("additionalProperties")
        if "properties" in node and closed is not False:
            problems.append(f"an object with properties {sorted(node['properties'])} is open")
        if "properties" not in node and not isinstance(closed, dict):
            problems.append(f"an object without properties says nothing of its values: {node}")
    resolver = jsonschema.RefResolver.from_schema(schema)
    for node in subschemas(schema):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolver.resolve(ref)
            except jsonschema.exceptions.RefResolutionError as error:
                problems.append(f"$ref {ref} does not resolve: {error}")
    # The file is what json.dumps writes, so that tools that rewrite it leave no diff.
    if json.dumps(schema, indent=2, ensure_ascii=False) + "\n" != text:
        problems.append("not laid out as json.dumps(indent=2) with a final newline")
    for problem in problems:
        print(f"{schema_path}: {problem}")
    if not problems:
        print(f"{schema_path}: a valid draft-07 schema; every mapping is closed")
    return 1 if problems else 0


def custom_tags(schema):
    """The "yaml.customTags" list that the schema's description tells users to configure."""
    found = re.search(r'"yaml\.customTags": (\[[^]]*\])', schema.get("description", ""))
    if not found:
        raise SystemExit("the schema's description names no \"yaml.customTags\"")
    return json.loads(found.group(1))


def editor_loader(schema):
    """A PyYAML loader that reads a profile as yaml-language-server does (see the docstring)."""
    import yaml

    class EditorLoader(yaml.SafeLoader):
        pass

    EditorLoader.yaml_implicit_resolvers = {}

    def resolve(tag, regexp, first):
        EditorLoader.add_implicit_resolver(tag, re.compile(regexp), list(first))

    # The YAML 1.2 core schema (yaml-language-server's default, yaml.yamlVersion 1.2).
    resolve("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
    resolve("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
    resolve("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
            "-+0123456789")
    resolve("tag:yaml.org,2002:float",
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789")

    def construct_int(loader, node):
        text = loader.construct_scalar(node)
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)  # "010" is ten in YAML 1.2

    EditorLoader.add_constructor("tag:yaml.org,2002:int", construct_int)

    kinds = {yaml.ScalarNode: "scalar", yaml.MappingNode: "mapping",
             yaml.SequenceNode: "sequence"}
    declared = {tuple(entry.split()) for entry in custom_tags(schema)}

    def construct_tagged(loader, node):
        kind = kinds[type(node)]
        if (node.tag, kind) not in declared:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.tag} on a {kind}: not in yaml.customTags", node.start_mark)
        if kind == "scalar":
            return loader.construct_scalar(node)
        if kind == "mapping":
            return loader.construct_mapping(node, deep=True)
        return loader.construct_sequence(node, deep=True)

    for tag in {tag for tag, _ in declared}:
        EditorLoader.add_constructor(tag, construct_tagged)
    return EditorLoader


def path_text(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "$"


def all_errors(errors):
    """The errors and, inside anyOf, the errors of each alternative."""
    for error in errors:
        yield error
        yield from all_errors(error.context)


class Unreadable(Exception):
    """The editor could not read the file at all (bad YAML, an undeclared tag)."""


def validate(validator, loader, path):
    import yaml
    try:
        with open(path, encoding="utf-8") as stream:
            document = yaml.load(stream, Loader=loader)
    except yaml.YAMLError as error:
        raise Unreadable(str(error).replace("\n", " ")) from error
    return sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))


def yaml_files(directory):
    """The profiles under `directory`: qemuc.yaml is a project file, which the profile schema is
    not about."""
    files = sorted(p for p in pathlib.Path(directory).rglob("*")
                   if p.suffix in (".yaml", ".yml") and p.name != "qemuc.yaml")
    if not files:
        raise SystemExit(f"no YAML files under {directory}")
    return files


def accepts(schema_path, directory, qemuc=None):
    import jsonschema
    schema = load_schema(schema_path)
    validator, loader = jsonschema.Draft7Validator(schema), editor_loader(schema)
    files = yaml_files(directory)
    failed = 0
    for path in files:
        try:
            errors = validate(validator, loader, path)
        except Unreadable as error:
            print(f"FAIL: {path}\n  not read as an editor reads it: {error}")
            failed += 1
            continue
        print(f"{'FAIL' if errors else 'ok'}: {path}")
        for error in errors:
            print(f"  {path_text(error.absolute_path)}: {error.message}")
            for inner in all_errors(error.context):
                print(f"    {path_text(inner.absolute_path)}: {inner.message}")
        failed += bool(errors)
    if qemuc is not None:
        run = subprocess.run([qemuc, "validate"] + [str(path) for path in files],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        print(f"{'ok' if run.returncode == 0 else 'FAIL'}: qemuc validate exits {run.returncode}")
        sys.stdout.write(run.stdout.decode(errors="replace"))
        failed += run.returncode != 0
    return 1 if failed else 0


def expectations(path):
    """The schema-error and qemuc-error lines of a negative case's leading comments."""
    schema_errors, qemuc_errors = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if match := re.match(r"# schema-error: (\S+): (.+)$", line):
            schema_errors.append((match.group(1), match.group(2)))
        elif match := re.match(r"# qemuc-error: (.+)$", line):
            qemuc_errors.append(match.group(1))
    return schema_errors, qemuc_errors


def rejects(schema_path, qemuc, directory):
    import jsonschema
    schema = load_schema(schema_path)
    validator, loader = jsonschema.Draft7Validator(schema), editor_loader(schema)
    failed = 0
    for path in yaml_files(directory):
        problems = []
        schema_errors, qemuc_errors = expectations(path)
        if not schema_errors or not qemuc_errors:
            problems.append("needs '# schema-error: PATH: TEXT' and '# qemuc-error: TEXT' lines")
        try:
            seen = [(path_text(e.absolute_path), e.message)
                    for e in all_errors(validate(validator, loader, path))]
        except Unreadable as error:
            seen = [("$", f"not read as an editor reads it: {error}")]
        for where, text in schema_errors:
            if not any(where == at and text in message for at, message in seen):
                problems.append(f"the schema reports no error at {where} with {text!r}; it says:")
                problems += [f"  {at}: {message}" for at, message in seen] or ["  nothing"]
        run = subprocess.run([qemuc, "validate", str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        output = run.stdout.decode(errors="replace")
        for text in qemuc_errors:
            if run.returncode != 1 or text not in output:
                problems.append(f"qemuc validate exits {run.returncode} without {text!r}; it says:")
                problems += ["  " + line for line in output.splitlines()] or ["  nothing"]
        print(f"{'FAIL' if problems else 'ok'}: {path}")
        for problem in problems:
            print(f"  {problem}")
        failed += bool(problems)
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 4 and argv[0] == "fresh" and argv[2] == "--":
        return fresh(argv[1], argv[3:])
    if len(argv) == 2 and argv[0] == "meta":
        import_validator()
        return meta(argv[1])
    if len(argv) in (3, 4) and argv[0] == "accepts":
        import_validator()
        return accepts(*argv[1:])
    if len(argv) == 4 and argv[0] == "rejects":
        import_validator()
        return rejects(argv[1], argv[2], argv[3])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
