"""Load the default policy, apply overrides, and fingerprint the result.

Overrides come from a data directory's ``policy.yaml``: top-level keys apply to every
household, ``households: {id: {...}}`` to one. The version hash is SHA-256 over the RFC 8785
canonical JSON of the merged policy, so two runs under the same rules share a hash whatever
the YAML's key order or comments.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import rfc8785
import yaml
from pydantic import ValidationError

from policies.schema import Policy

HOUSEHOLDS_KEY = "households"


@dataclass(frozen=True)
class PolicyProblem:
    key: str  # dotted path of the offending key, e.g. "tax.state"
    message: str


class PolicyError(ValueError):
    """An override is malformed or the merged policy is impossible."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.key}: {p.message}" for p in problems))


def default_policy_mapping() -> dict[str, Any]:
    text = resources.files("policies").joinpath("default.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def parse_overrides(text: str) -> dict[str, Any]:
    """Parse ``policy.yaml`` text; an empty file means no overrides."""
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyError([PolicyProblem("(file)", f"not valid YAML: {error}")]) from error
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise PolicyError([PolicyProblem("(file)", "must be a mapping of policy sections")])
    return parsed


def load_policy(
    overrides: Mapping[str, Any] | None = None, household_id: str | None = None
) -> Policy:
    """Merge the default policy with ``overrides`` (and the household's own section)."""
    merged = default_policy_mapping()
    overrides = dict(overrides or {})
    per_household = overrides.pop(HOUSEHOLDS_KEY, {}) or {}
    if not isinstance(per_household, dict):
        raise PolicyError([PolicyProblem(HOUSEHOLDS_KEY, "must map household ids to sections")])
    _deep_merge(merged, overrides, path="")
    if household_id is not None and household_id in per_household:
        _deep_merge(
            merged, per_household[household_id] or {}, path=f"{HOUSEHOLDS_KEY}.{household_id}."
        )
    try:
        policy = Policy.model_validate(merged)
    except ValidationError as error:
        raise PolicyError(
            [
                PolicyProblem(
                    ".".join(str(part) for part in item["loc"]) or "(policy)", item["msg"]
                )
                for item in error.errors()
            ]
        ) from error
    return policy


def policy_version_hash(policy: Policy) -> str:
    """SHA-256 hex of the RFC 8785 canonical JSON of the merged policy."""
    return hashlib.sha256(rfc8785.dumps(policy.model_dump(mode="json"))).hexdigest()


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any], path: str) -> None:
    for key, value in override.items():
        where = f"{path}{key}"
        if key not in base:
            raise PolicyError([PolicyProblem(where, "unknown policy key")])
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise PolicyError([PolicyProblem(where, "must be a mapping")])
            _deep_merge(base[key], value, path=f"{where}.")
        else:
            base[key] = copy.deepcopy(value)
