#!/usr/bin/env python3
"""The python3-jsonschema column of bench/perf_report.py: validate YAML files against a schema.

usage: bench/jsonschema_files.py SCHEMA LIST_FILE [--pure-python | --validate-per-file]

LIST_FILE holds one path a line. Three ways of using the two libraries, fastest first:
  (default)            PyYAML's C loader (libyaml), when python3-yaml has it, and one
                       Draft7Validator built for the run: the fastest PyYAML and jsonschema offer;
  --pure-python        yaml.safe_load, what most scripts call, and one Draft7Validator;
  --validate-per-file  yaml.safe_load and jsonschema.validate(document, schema) per file, the
                       call jsonschema's README shows. It checks the schema itself on every call
                       (about 6 ms of the 7 ms a file takes), and it is how issue 14's "35x at
                       1,000 files" was measured: at qemuc's speed then, 35x means 6.7 ms a file.
Prints "FILES files valid"; exits 1 naming the first invalid file, 77 when python3-jsonschema or
python3-yaml is missing.
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
    mode = sys.argv[3] if len(sys.argv) > 3 else ""
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    fast = mode == ""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader
    with open(list_path, encoding="utf-8") as f:
        paths = f.read().splitlines()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            document = yaml.load(f, Loader=loader)
        if mode == "--validate-per-file":
            try:
                jsonschema.validate(document, schema)
            except jsonschema.ValidationError as error:
                sys.exit(f"{path}: {error.message}")
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
        if error is not None:
            sys.exit(f"{path}: {error.message}")
    print(f"{len(paths)} files valid")


if __name__ == "__main__":
    main()
