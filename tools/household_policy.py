"""The policy in force for one household, and the tax rates the ledger replays with.

Policy problems are reported like any other bad input: the policy file, the offending key in
place of a column, exit code 2 from the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from policies import Policy, PolicyError, load_policy
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.ledger import Ledger, replay_ledger
from tools.loading.policy import policy_error_problems
from tools.models import Account

POLICY_FILE = "policy.yaml"

Rates = tuple[float, float]  # combined marginal (short-term, long-term) rates


def policy_from_overrides(
    overrides: Mapping[str, Any], household_id: str | None = None, source: str = POLICY_FILE
) -> Policy:
    """Default policy merged with ``overrides`` for ``household_id``; ``source`` names the file."""
    try:
        return load_policy(overrides, household_id)
    except PolicyError as error:
        raise DataValidationError(policy_error_problems(error, source)) from error


def household_policy(data: PortfolioData, household_id: str | None = None) -> Policy:
    """Default policy merged with the data directory's ``policy.yaml`` for ``household_id``."""
    return policy_from_overrides(data.policy_overrides, household_id)


def te_budget_of(account: Account, policy: Policy) -> float:
    """The account's own TE budget (accounts.csv ``te_budget``), else its policy's."""
    return account.te_budget if account.te_budget is not None else policy.tracking_error.budget


def tax_rates(
    overrides: Mapping[str, Any], households: Iterable[str], source: str = POLICY_FILE
) -> tuple[Rates, dict[str, Rates]]:
    """Rates for ``min_tax`` relief: the default policy's, and each household's own."""
    default = policy_from_overrides(overrides, None, source).tax
    by_household = {}
    for household_id in households:
        tax = policy_from_overrides(overrides, household_id, source).tax
        by_household[household_id] = (tax.short_rate, tax.long_rate)
    return (default.short_rate, default.long_rate), by_household


def replay_directory(data: PortfolioData, *, every_transaction: bool = False) -> Ledger:
    """The whole data directory's ledger to its as-of date, each household at its own rates.

    ``every_transaction`` replays past the as-of date too (tax forms of a year whose sales or
    replacement purchases come after the last price).
    """
    default, by_household = tax_rates(data.policy_overrides, data.households)
    as_of = None if every_transaction else data.as_of
    return replay_ledger(
        data.transactions_until(as_of) if as_of is not None else data.transactions,
        data.accounts,
        data.securities,
        *default,
        as_of=as_of,
        household_rates=by_household,
    )
