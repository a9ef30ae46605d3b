#!/usr/bin/env python3
"""The python3-jsonschema column of bench/perf_report.py: validate YAML files against a schema.

usage: bench/jsonschema_files.py SCHEMA LIST_FILE [--pure-python]

LIST_FILE holds one path a line. Each file is read with PyYAML (its C loader, libyaml, when
python3-yaml has it: the fastest PyYAML offers; with --pure-python, yaml.safe_load, what most
scripts call) and checked with jsonschema's Draft7Validator,
built once. Prints "FILES files valid"; exits 1 naming the first invalid file, 77 when
python3-jsonschema or python3-yaml is missing.
"""

import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:
    print(f"skipped: {error.name} not installed (Debian: python3-jsonschema python3-yaml)")
    sys.exit(77)


def main():
    schema_path, list_path = sys.argv[1:3]
    pure_python = sys.argv[3:] == ["--pure-python"]
    with open(schema_path, encoding="utf-8") as f:
        validator = jsonschema.Draft7Validator(json.load(f))
    loader = yaml.SafeLoader if pure_python else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(list_path, encoding="utf-8") as f:
        paths = f.read().splitlines()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            document = yaml.load(f, Loader=loader)
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
        if error is not None:
            sys.exit(f"{path}: {error.message}")
    print(f"{len(paths)} files valid")


if __name__ == "__main__":
    main()
