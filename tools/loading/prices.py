"""prices.csv: daily closes, pivoted into wide date x symbol panels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.loading.cells import (
    check_known,
    duplicates,
    missing,
    not_positive,
    parse_dates,
    parse_numbers,
)
from tools.loading.csv_reader import CsvTable, TableSpec
from tools.loading.problems import rows_with_problems

PRICES = TableSpec("prices.csv", ("date", "symbol", "close"))


@dataclass(frozen=True)
class PricePanel:
    close: pd.DataFrame  # DatetimeIndex "date" (sorted) x "symbol" columns (sorted); NaN = no row
    adj_close: pd.DataFrame  # same shape; adj_close where given, else close

    @property
    def first_date(self) -> dt.date | None:
        return self.close.index[0].date() if len(self.close.index) else None

    @property
    def last_date(self) -> dt.date | None:
        return self.close.index[-1].date() if len(self.close.index) else None

    def last_date_on_or_before(self, day: dt.date) -> dt.date | None:
        on_or_before = self.close.index[self.close.index <= pd.Timestamp(day)]
        return on_or_before[-1].date() if len(on_or_before) else None

    def with_symbols(self, symbols: Collection[str]) -> PricePanel:
        """The panel with one column per symbol in ``symbols`` (all-NaN where never priced)."""
        columns = pd.Index(sorted(set(symbols) | set(self.close.columns)), name="symbol")
        return PricePanel(
            self.close.reindex(columns=columns), self.adj_close.reindex(columns=columns)
        )


def parse_prices(
    table: CsvTable, symbols: Collection[str] | None
) -> tuple[PricePanel, list[Problem]]:
    """Validate every row; the panel holds the valid rows only."""
    dates, problems = parse_dates(table, "date")
    problems += missing(table, "date") + missing(table, "symbol")
    problems += check_known(table, "symbol", symbols, what="symbol", source="securities.csv")
    close, close_problems = parse_numbers(table, "close")
    problems += close_problems + missing(table, "close") + not_positive(table, "close", close)
    adjusted, adjusted_problems = parse_numbers(table, "adj_close")
    problems += adjusted_problems + not_positive(table, "adj_close", adjusted)
    problems += duplicates(
        table,
        ["date", "symbol"],
        "symbol",
        lambda key: f"duplicate price row for {key['symbol']} on {key['date']}",
    )
    valid = ~rows_with_problems(problems, len(table))
    long = pd.DataFrame(
        {
            "date": dates[valid].to_numpy(),
            "symbol": table.cells("symbol").to_numpy()[valid],
            "close": close[valid],
            "adj_close": np.where(np.isnan(adjusted), close, adjusted)[valid],
        }
    )
    panel = PricePanel(_wide(long, "close"), _wide(long, "adj_close"))
    return panel, problems


def _wide(long: pd.DataFrame, values: str) -> pd.DataFrame:
    wide = long.pivot(index="date", columns="symbol", values=values).sort_index()
    wide = wide.sort_index(axis=1).astype(float)
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    wide.columns.name = "symbol"
    return wide


def symbols_listed_on(table: CsvTable, day: dt.date) -> frozenset[str]:
    """Symbols with a row dated ``day``, valid or not (a bad row is reported on its own)."""
    on_day = table.cells("date") == day.isoformat()
    return frozenset(table.cells("symbol")[on_day])
