"""restrictions.csv (optional): securities an account or household must not hold, buy or sell."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from tools.errors import Problem
from tools.loading.cells import (
    check_choice,
    check_known,
    missing,
    parse_numbers,
    report_values,
)
from tools.loading.csv_reader import CsvTable, TableSpec
from tools.loading.problems import rows_with_problems
from tools.models import Restriction

RESTRICTIONS = TableSpec(
    "restrictions.csv", ("scope", "scope_id", "kind", "target_type", "target"), needs_rows=False
)
SCOPES = ("household", "account")
KINDS = ("exclude", "no_buy", "no_sell")
TARGET_TYPES = ("symbol", "sector", "industry", "esg_below")


def parse_restrictions(
    table: CsvTable,
    account_ids: Collection[str] | None,
    household_ids: Collection[str] | None,
    symbols: Collection[str] | None,
) -> tuple[tuple[Restriction, ...], list[Problem]]:
    scope = table.cells("scope")
    target_type = table.cells("target_type")
    problems: list[Problem] = []
    for column, allowed in (("scope", SCOPES), ("kind", KINDS), ("target_type", TARGET_TYPES)):
        problems += missing(table, column) + check_choice(table, column, allowed)
    problems += missing(table, "scope_id") + missing(table, "target")
    problems += check_known(
        table,
        "scope_id",
        household_ids,
        what="household",
        source="accounts.csv household_id",
        where=scope == "household",
    )
    problems += check_known(
        table,
        "scope_id",
        account_ids,
        what="account",
        source="accounts.csv",
        where=scope == "account",
    )
    problems += check_known(
        table,
        "target",
        symbols,
        what="symbol",
        source="securities.csv",
        where=target_type == "symbol",
    )
    esg_rows = (target_type == "esg_below").to_numpy()
    threshold, _ = parse_numbers(table, "target")
    problems += report_values(
        table,
        esg_rows & np.isnan(threshold) & ~table.blank("target"),
        "target",
        "esg_below target '{value}' is not a number",
    )

    valid = ~rows_with_problems(problems, len(table))
    scope_ids, kinds, targets, reasons = (
        table.cells(column).to_numpy() for column in ("scope_id", "kind", "target", "reason")
    )
    restrictions = tuple(
        Restriction(
            row=int(i) + 1,
            scope=scope.iat[i],
            scope_id=scope_ids[i],
            kind=kinds[i],
            target_type=target_type.iat[i],
            target=targets[i],
            reason=reasons[i],
        )
        for i in np.flatnonzero(valid)
    )
    return restrictions, problems
