"""Checks of the plausibility limits of ``tools.loading.limits`` over whole columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.loading.cells import report
from tools.loading.csv_reader import CsvTable
from tools.loading.limits import (
    FUTURE_WINDOW,
    MAX_AMOUNT,
    MAX_PRICE,
    MAX_SHARES,
    MAX_SPLIT_RATIO,
    MIN_SPLIT_RATIO,
)


def above(
    table: CsvTable,
    column: str,
    numbers: np.ndarray,
    limit: float,
    what: str,
    *,
    where: np.ndarray | None = None,
) -> list[Problem]:
    """Values of ``column`` above ``limit`` (on the rows of ``where``); ``what`` is the unit."""
    text = table.cells(column).to_numpy()
    mask = numbers > limit
    return report(
        table,
        mask if where is None else where & mask,
        column,
        lambda i: f"{column} {text[i]} is implausible: more than {_figure(limit)} {what}",
    )


def split_ratio_problems(table: CsvTable, ratio: np.ndarray, splits: np.ndarray) -> list[Problem]:
    text = table.cells("quantity").to_numpy()
    outside = splits & ((ratio < MIN_SPLIT_RATIO) | (ratio > MAX_SPLIT_RATIO)) & (ratio > 0)
    return report(
        table,
        outside,
        "quantity",
        lambda i: (
            f"split ratio {text[i]} is implausible: expected between "
            f"{MIN_SPLIT_RATIO:g} and {MAX_SPLIT_RATIO:g}"
        ),
    )


def trade_value_problems(
    table: CsvTable, quantity: np.ndarray, price: np.ndarray, trades: np.ndarray
) -> list[Problem]:
    """Trades whose value (quantity x price) is above ``MAX_AMOUNT`` while each cell is not."""
    value = quantity * price
    fine_cells = (quantity <= MAX_SHARES) & (price <= MAX_PRICE)
    return report(
        table,
        trades & fine_cells & (value > MAX_AMOUNT),
        "quantity",
        lambda i: (
            f"trade value {value[i]:,.0f} is implausible: more than {_figure(MAX_AMOUNT)} dollars"
        ),
    )


def late_rows(
    file: str, column: str, rows: np.ndarray, dates: pd.Series, horizon: dt.date
) -> list[Problem]:
    """Rows dated more than ``FUTURE_WINDOW`` after ``horizon`` (``rows`` are 1-based)."""
    limit = horizon + FUTURE_WINDOW
    late = (dates > pd.Timestamp(limit)).to_numpy()
    return [
        Problem(
            file,
            int(row),
            column,
            f"{column} {pd.Timestamp(day):%Y-%m-%d} is more than a year after "
            f"{horizon.isoformat()}, the as-of or last price date (latest accepted "
            f"{limit.isoformat()})",
        )
        for row, day in zip(rows[late], dates.to_numpy()[late], strict=True)
    ]


def _figure(limit: float) -> str:
    return f"{limit:,.0f}"
