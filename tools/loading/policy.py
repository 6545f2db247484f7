"""policy.yaml (optional): a household's overrides of the default policy, read as a mapping.

Only the YAML syntax and the top-level mapping are checked here; the policy schema in
``policies/`` validates the keys and values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tools.errors import Problem
from tools.loading.problems import raise_if_any
from tools.loading.source_file import SourceFile, read_source_file


def parse_policy(source: SourceFile) -> tuple[dict[str, Any], list[Problem]]:
    try:
        document = yaml.safe_load(source.data.decode("utf-8-sig"))
    except yaml.YAMLError as error:
        return {}, [Problem(source.name, None, None, f"invalid YAML: {_describe(error)}")]
    if document is None:
        return {}, []
    if not isinstance(document, dict):
        kind = type(document).__name__
        return {}, [
            Problem(
                source.name,
                None,
                None,
                f"must be a mapping of policy keys at the top level, not a {kind}",
            )
        ]
    return document, []


def read_policy(
    path: Path, *, required: bool
) -> tuple[dict[str, Any], SourceFile | None, list[Problem]]:
    """The overrides (empty when the file is absent), the file read, and its problems."""
    source, problems = read_source_file(path, required=required, tabular=False)
    if source is None or problems:
        return {}, source, problems
    overrides, problems = parse_policy(source)
    return overrides, source, problems


def load_policy_overrides(path: Path) -> dict[str, Any]:
    """Read one policy file; raise ``DataValidationError`` when it is missing or malformed."""
    overrides, _, problems = read_policy(path, required=True)
    raise_if_any(problems)
    return overrides


def _describe(error: yaml.YAMLError) -> str:
    """The parser's complaint with its 1-based line and column, when it knows them."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return problem
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
