"""benchmark.csv: the index weights a portfolio tracks, optionally dated.

Undated rows (no ``date`` column, or a blank date) form one weight set that applies on every
date; each dated set applies from its date until the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

from tools.errors import Problem
from tools.loading.cells import (
    check_known,
    duplicates,
    missing,
    negative,
    parse_dates,
    parse_numbers,
)
from tools.loading.csv_reader import CsvTable, TableSpec
from tools.loading.problems import rows_with_problems

BENCHMARK = TableSpec("benchmark.csv", ("symbol", "weight"))
WEIGHT_SUM_TOLERANCE = 1e-6


def parse_benchmark(
    table: CsvTable, symbols: Collection[str] | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return the valid rows as (date, symbol, weight) in file order, and every problem."""
    dates, problems = parse_dates(table, "date")
    problems += missing(table, "symbol")
    problems += check_known(table, "symbol", symbols, what="symbol", source="securities.csv")
    weight, weight_problems = parse_numbers(table, "weight")
    problems += weight_problems + missing(table, "weight") + negative(table, "weight", weight)
    problems += duplicates(
        table,
        ["date", "symbol"],
        "symbol",
        lambda key: (
            f"duplicate weight for {key['symbol']}" + (f" on {key['date']}" if key["date"] else "")
        ),
    )
    frame = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "symbol": table.cells("symbol").to_numpy(),
            "weight": weight,
            "valid": ~rows_with_problems(problems, len(table)),
        }
    )
    problems += _sum_problems(table, frame)
    valid = frame[frame["valid"]].drop(columns="valid").reset_index(drop=True)
    return valid, problems


def _sum_problems(table: CsvTable, frame: pd.DataFrame) -> list[Problem]:
    """Each date's weights must sum to 1; dates with an invalid row are skipped (reported)."""
    problems = []
    for date, group in frame.groupby("date", dropna=False, sort=True):
        if not group["valid"].all():
            continue
        total = float(group["weight"].sum())
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            when = "undated weights" if pd.isna(date) else f"weights dated {date:%Y-%m-%d}"
            problems.append(
                Problem(table.name, None, "weight", f"{when} sum to {total:.6g}, not 1")
            )
    return problems


def coverage_problems(benchmark: pd.DataFrame, file_name: str, as_of: dt.date) -> list[Problem]:
    """The as-of date needs a weight set: an undated one or one dated on or before it."""
    dated = benchmark["date"].dropna()
    if benchmark["date"].isna().any() or dated.empty or (dated <= pd.Timestamp(as_of)).any():
        return []
    first = dated.min()
    return [
        Problem(
            file_name,
            None,
            "date",
            f"no benchmark weights dated on or before the as-of date "
            f"{as_of.isoformat()} (the first date is {first:%Y-%m-%d})",
        )
    ]
