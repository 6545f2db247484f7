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
from tools.loading.limits import CASH_TOLERANCE

_SPENDS = ("buy", "reinvest")
_RECEIVES = ("deposit", "dividend")


def cash_movements(frame: pd.DataFrame) -> np.ndarray:
    """Each row's effect on its account's cash (NaN quantities or prices count as 0)."""
    action = frame["action"].to_numpy()
    quantity = np.nan_to_num(frame["quantity"].to_numpy(dtype=float))
    value = quantity * np.nan_to_num(frame["price"].to_numpy(dtype=float))
    fees = np.nan_to_num(frame["fees"].to_numpy(dtype=float))
    delta = -fees
    delta = delta + np.where(np.isin(action, _SPENDS), -value, 0.0)
    delta = delta + np.where(action == "sell", value, 0.0)
    delta = delta + np.where(np.isin(action, _RECEIVES), quantity, 0.0)
    return delta + np.where(action == "withdraw", -quantity, 0.0)


def negative_cash_problems(
    frame: pd.DataFrame, managed: set[str], as_of: dt.date, file: str
) -> list[Problem]:
    """One problem per managed account whose cash on ``as_of`` is below -``CASH_TOLERANCE``.

    ``frame`` holds the valid rows of transactions.csv (columns ``row, date, account_id,
    action, quantity, price, fees``).
    """
    rows = frame[frame["account_id"].isin(managed) & (frame["date"] <= pd.Timestamp(as_of))]
    if rows.empty:
        return []
    ordered = rows.assign(delta=cash_movements(rows)).sort_values("date", kind="stable")
    ordered["cash"] = ordered.groupby("account_id", sort=False)["delta"].cumsum()
    problems = []
    for account_id, history in ordered.groupby("account_id", sort=False):
        cash = history["cash"].to_numpy()
        if cash[-1] >= -CASH_TOLERANCE:
            continue
        covered = np.flatnonzero(cash >= -CASH_TOLERANCE)
        start = int(covered[-1]) + 1 if len(covered) else 0
        row = history.iloc[start]
        problems.append(
            Problem(
                file,
                int(row["row"]),
                "quantity",
                f"account {account_id}'s cash falls to {row['cash']:,.2f} on "
                f"{row['date']:%Y-%m-%d} and is still {cash[-1]:,.2f} on {as_of.isoformat()}: "
                "a deposit is missing or this trade is wrong",
            )
        )
    return problems
