"""policy.yaml (optional): a household's overrides of the default policy, read as a mapping.

The YAML syntax and the top-level mapping are checked here; ``schema_problems`` then applies
the policy schema of ``policies/`` to the defaults and to every household's section, so
``lotwise data validate`` refuses what a review would refuse.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from policies import PolicyError, load_policy
from policies.loader import HOUSEHOLDS_KEY
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


def policy_error_problems(error: PolicyError, source: str) -> list[Problem]:
    """A policy error as problems against ``source``, the offending key in place of a column."""
    return [Problem(source, None, p.key, p.message) for p in error.problems]


def schema_problems(
    overrides: dict[str, Any], known_households: Collection[str] | None, source: str
) -> list[Problem]:
    """Every problem the policy schema finds in the merged policy of each household named in
    ``overrides`` (and in the top-level overrides alone), plus sections naming a household
    ``accounts.csv`` does not know (``None`` skips that lookup)."""
    sections = overrides.get(HOUSEHOLDS_KEY) or {}
    named = list(sections) if isinstance(sections, dict) else []
    problems: list[Problem] = []
    seen: set[tuple[str | None, str]] = set()
    for household_id in [None, *named]:
        try:
            load_policy(overrides, household_id)
        except PolicyError as error:
            for problem in policy_error_problems(error, source):
                key = (problem.column, problem.message)
                if key not in seen:  # a top-level mistake shows once, not once per household
                    seen.add(key)
                    problems.append(problem)
            if household_id is None:
                break  # the top level is broken: every household's merge repeats it
    if known_households is not None:
        problems += [
            Problem(
                source,
                None,
                f"{HOUSEHOLDS_KEY}.{household_id}",
                f"unknown household {household_id!r} (not in accounts.csv household_id)",
            )
            for household_id in named
            if household_id not in known_households
        ]
    return problems


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
