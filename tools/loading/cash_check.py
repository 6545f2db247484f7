"""An account cannot spend cash it never had: a managed account whose cash ends below zero.

Cash is the sum of the movements CONTRACTS §1 lists (buys, reinvestments and fees out; sales,
deposits and dividends in; withdrawals out), replayed in date order, file order within a date,
as the ledger does. A short stretch below zero that a later deposit covers is accepted (trades
settle after deposits are booked); ending more than ``CASH_TOLERANCE`` short is an error naming
the row that started the final shortfall. Held-away accounts are only watched for wash sales:
their deposits are not in the file, so their cash is not checked.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.loading.csv_reader import CsvTable
from tools.loading.limits import CASH_TOLERANCE

_SIGNS = {  # action -> (sign of quantity x price, sign of quantity as dollars)
    "buy": (-1.0, 0.0),
    "reinvest": (-1.0, 0.0),
    "sell": (1.0, 0.0),
    "deposit": (0.0, 1.0),
    "dividend": (0.0, 1.0),
    "withdraw": (0.0, -1.0),
}


def cash_movements(
    action_codes: np.ndarray,
    actions: np.ndarray,
    quantity: np.ndarray,
    price: np.ndarray,
    fees: np.ndarray,
) -> np.ndarray:
    """Each row's effect on its account's cash (NaN quantities or prices count as 0);
    ``actions[action_codes]`` is each row's action."""
    quantity = np.nan_to_num(quantity)
    value = quantity * np.nan_to_num(price)
    # per distinct action: (sign of the traded value, sign of the quantity as dollars)
    signs = np.array([_SIGNS.get(action, (0.0, 0.0)) for action in actions]).reshape(-1, 2)
    return signs[action_codes, 0] * value + signs[action_codes, 1] * quantity - np.nan_to_num(fees)


def negative_cash_problems(
    table: CsvTable, frame: pd.DataFrame, managed: set[str], as_of: dt.date
) -> list[Problem]:
    """One problem per managed account whose cash on ``as_of`` is below -``CASH_TOLERANCE``.

    ``table`` is transactions.csv and ``frame`` its parsed columns (``date, quantity, price,
    fees``), one row per data row; the table's cached factorizations make this a few array
    passes over a million rows.
    """
    account_codes, accounts = table.factorized("account_id")
    action_codes, actions = table.factorized("action")
    days = frame["date"].to_numpy(dtype="datetime64[D]")
    chosen = np.flatnonzero(table.among("account_id", managed) & (days <= np.datetime64(as_of)))
    if not len(chosen):
        return []
    day_numbers = days[chosen].astype(np.int64)
    day_numbers -= day_numbers.min()
    account = account_codes[chosen]
    # account, then date, then file order (a stable sort of one combined key)
    order = np.argsort(account * (day_numbers.max() + 1) + day_numbers, kind="stable")
    movements = cash_movements(
        action_codes[chosen],
        actions,
        frame["quantity"].to_numpy(dtype=float)[chosen],
        frame["price"].to_numpy(dtype=float)[chosen],
        frame["fees"].to_numpy(dtype=float)[chosen],
    )
    account, positions = account[order], chosen[order]
    cash = np.cumsum(movements[order])
    starts = np.flatnonzero(np.r_[True, account[1:] != account[:-1]])
    ends = np.r_[starts[1:], len(account)]
    cash -= np.repeat(np.r_[0.0, cash[ends[:-1] - 1]], ends - starts)  # restart per account
    covered_at = np.round(cash, 2) >= -CASH_TOLERANCE  # in cents: float sums are not exact
    problems = []
    for start, end in zip(starts, ends, strict=True):
        if covered_at[end - 1]:
            continue
        covered = np.flatnonzero(covered_at[start:end])
        shortfall = start + (int(covered[-1]) + 1 if len(covered) else 0)  # sorted position
        position = int(positions[shortfall])
        problems.append(
            Problem(
                table.name,
                position + 1,
                "quantity",
                f"account {accounts[account[start]]}'s cash falls to {cash[shortfall]:,.2f} on "
                f"{days[position]} and is still {cash[end - 1]:,.2f} on "
                f"{as_of.isoformat()}: a deposit is missing or this trade is wrong",
            )
        )
    return problems
