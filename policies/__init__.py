"""Policy files and their schema (never imports ``agent``)."""

from policies.loader import (
    PolicyError,
    PolicyProblem,
    load_policy,
    parse_overrides,
    policy_version_hash,
)
from policies.schema import Policy

__all__ = [
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "load_policy",
    "parse_overrides",
    "policy_version_hash",
]
