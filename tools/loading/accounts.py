"""accounts.csv: accounts, their tax treatment and the households that relate them.

Every account sharing a ``household_id`` counts for the wash-sale rule (IRC §1091): a spouse's
purchases do (McWilliams v. Commissioner, 331 U.S. 694 (1947)) and so do purchases in the
taxpayer's IRAs (Rev. Rul. 2008-5).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.errors import Problem
from tools.loading.cells import (
    check_choice,
    check_ids,
    duplicates,
    missing,
    parse_numbers,
    report_values,
)
from tools.loading.csv_reader import CsvTable, TableSpec, read_table_or_raise
from tools.loading.problems import raise_if_any, rows_with_problems
from tools.models import RELIEF_METHODS, TAX_TYPES, Account, Household

ACCOUNTS = TableSpec("accounts.csv", ("account_id", "household_id", "owner", "tax_type", "managed"))
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class ParsedAccounts:
    accounts: dict[str, Account]  # valid rows, by account_id, file order
    account_ids: frozenset[str]  # every account_id the file names
    household_ids: frozenset[str]  # every household_id the file names


def parse_accounts(table: CsvTable) -> tuple[ParsedAccounts, list[Problem]]:
    problems = missing(table, "account_id") + missing(table, "household_id")
    problems += check_ids(table, "account_id", "account_id")
    problems += check_ids(table, "household_id", "household_id")
    problems += duplicates(
        table,
        ["account_id"],
        "account_id",
        lambda key: f"duplicate account_id '{key['account_id']}'",
    )
    problems += missing(table, "tax_type") + check_choice(table, "tax_type", TAX_TYPES)
    managed = table.cells("managed").str.lower()
    problems += missing(table, "managed")
    problems += report_values(
        table,
        ~managed.isin(list(_BOOLEANS)) & (managed != ""),
        "managed",
        "managed '{value}' must be true or false",
    )
    problems += check_choice(table, "relief_method", RELIEF_METHODS)
    budget, budget_problems = parse_numbers(table, "te_budget")
    problems += budget_problems
    problems += report_values(
        table,
        (budget <= 0) | (budget > 1),
        "te_budget",
        "te_budget {value} is not a positive fraction (expected 0 < te_budget <= 1, "
        "e.g. 0.02 for 2%)",
    )

    valid = ~rows_with_problems(problems, len(table))
    ids, households, owners, tax_types, methods, benchmarks = (
        table.cells(column).to_numpy()
        for column in (
            "account_id",
            "household_id",
            "owner",
            "tax_type",
            "relief_method",
            "benchmark",
        )
    )
    managed_flags = managed.to_numpy()
    accounts: dict[str, Account] = {}
    for i in np.flatnonzero(valid):
        accounts[ids[i]] = Account(
            account_id=ids[i],
            household_id=households[i],
            owner=owners[i],
            tax_type=tax_types[i],
            managed=_BOOLEANS[managed_flags[i]],
            relief_method=methods[i] or "fifo",
            te_budget=None if np.isnan(budget[i]) else float(budget[i]),
            benchmark=benchmarks[i] or None,
        )
    parsed = ParsedAccounts(
        accounts,
        frozenset(ids[ids != ""]),
        frozenset(households[households != ""]),
    )
    return parsed, problems


def households_of(accounts: dict[str, Account]) -> dict[str, Household]:
    """Households in first-seen order, each listing its accounts in file order."""
    members: dict[str, list[str]] = {}
    for account in accounts.values():
        members.setdefault(account.household_id, []).append(account.account_id)
    return {
        household_id: Household(household_id=household_id, account_ids=tuple(account_ids))
        for household_id, account_ids in members.items()
    }


def load_accounts(path: Path) -> dict[str, Account]:
    """Load and validate one accounts.csv; raise ``DataValidationError`` listing every problem."""
    parsed, problems = parse_accounts(read_table_or_raise(path, ACCOUNTS))
    raise_if_any(problems)
    return parsed.accounts
