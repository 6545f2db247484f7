"""The policy in force for one household of a data directory.

Policy problems are reported like any other bad input: file ``policy.yaml``, the offending
key in place of a column, exit code 2 from the CLI.
"""

from __future__ import annotations

from policies import Policy, PolicyError, load_policy
from tools.dataset import PortfolioData
from tools.errors import DataValidationError, Problem

POLICY_FILE = "policy.yaml"


def household_policy(data: PortfolioData, household_id: str | None = None) -> Policy:
    """Default policy merged with the data directory's ``policy.yaml`` for ``household_id``."""
    try:
        return load_policy(data.policy_overrides, household_id)
    except PolicyError as error:
        raise DataValidationError(
            [Problem(POLICY_FILE, None, p.key, p.message) for p in error.problems]
        ) from error
