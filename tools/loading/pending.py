"""pending.csv (optional): scheduled purchases that have not happened yet.

They count for the wash-sale rule: a loss sale within 30 days before a purchase of a
substantially identical security is disallowed (IRC §1091(a)), so a known upcoming recurring
buy or dividend reinvestment must hold back a harvest just as a past one does.
"""

from __future__ import annotations

from collections.abc import Collection

from tools.errors import Problem
from tools.loading.bulk import date_objects, validate_records
from tools.loading.cells import (
    check_choice,
    check_known,
    missing,
    not_positive,
    parse_dates,
    parse_numbers,
)
from tools.loading.csv_reader import CsvTable, TableSpec
from tools.loading.limits import MAX_SHARES
from tools.loading.plausible import above
from tools.loading.problems import rows_with_problems
from tools.models import PendingPurchase

PENDING = TableSpec(
    "pending.csv", ("date", "account_id", "action", "symbol", "quantity"), needs_rows=False
)
PENDING_ACTIONS = ("buy", "reinvest")


def parse_pending(
    table: CsvTable, account_ids: Collection[str] | None, symbols: Collection[str] | None
) -> tuple[tuple[PendingPurchase, ...], list[Problem]]:
    dates, problems = parse_dates(table, "date")
    problems += missing(table, "date") + missing(table, "account_id")
    problems += check_known(table, "account_id", account_ids, what="account", source="accounts.csv")
    problems += missing(table, "action") + check_choice(table, "action", PENDING_ACTIONS)
    problems += missing(table, "symbol")
    problems += check_known(table, "symbol", symbols, what="symbol", source="securities.csv")
    quantity, quantity_problems = parse_numbers(table, "quantity")
    problems += quantity_problems + missing(table, "quantity")
    problems += not_positive(table, "quantity", quantity)
    problems += above(table, "quantity", quantity, MAX_SHARES, "shares")

    valid = ~rows_with_problems(problems, len(table))
    columns = zip(
        table.rows[valid].tolist(),
        date_objects(dates[valid]),
        *(
            table.cells(name).to_numpy()[valid].tolist()
            for name in ("account_id", "action", "symbol")
        ),
        quantity[valid].tolist(),
        strict=True,
    )
    records = (
        {
            "row": row,
            "date": date,
            "account_id": account_id,
            "action": action,
            "symbol": symbol,
            "quantity": amount,
        }
        for row, date, account_id, action, symbol, amount in columns
    )
    return validate_records(PendingPurchase, records), problems
