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
from tools.loading.limits import MAX_PRICE
from tools.loading.plausible import above
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
    problems += above(table, "close", close, MAX_PRICE, "dollars a share")
    problems += above(table, "adj_close", adjusted, MAX_PRICE, "dollars a share")
    problems += duplicates(
        table,
        ["date", "symbol"],
        "symbol",
        lambda key: f"duplicate price row for {key['symbol']} on {key['date']}",
    )
    valid = ~rows_with_problems(problems, len(table))
    symbol_codes, symbol_names = table.factorized("symbol")
    cells = _PanelCells(
        pd.DatetimeIndex(dates[valid].to_numpy(), name="date"),
        symbol_names[symbol_codes[valid]],
    )
    adjusted_or_close = np.where(np.isnan(adjusted), close, adjusted)
    panel = PricePanel(cells.wide(close[valid]), cells.wide(adjusted_or_close[valid]))
    return panel, problems


class _PanelCells:
    """Where each valid row goes in the wide panel: its date's row and its symbol's column.

    Valid rows have unique (date, symbol) pairs (a repeated pair is a problem row), so each
    panel cell receives at most one value; cells no row reaches stay NaN.
    """

    def __init__(self, dates: pd.DatetimeIndex, symbols: np.ndarray) -> None:
        self.row, row_labels = pd.factorize(dates, sort=True)
        self.column, column_labels = pd.factorize(symbols, sort=True)
        self.index = pd.DatetimeIndex(row_labels, name="date")
        self.columns = pd.Index(column_labels, name="symbol")

    def wide(self, values: np.ndarray) -> pd.DataFrame:
        grid = np.full((len(self.index), len(self.columns)), np.nan)
        grid[self.row, self.column] = values
        return pd.DataFrame(grid, index=self.index, columns=self.columns)


def symbols_listed_on(table: CsvTable, day: dt.date) -> frozenset[str]:
    """Symbols with a row dated ``day``, valid or not (a bad row is reported on its own)."""
    on_day = table.cells("date") == day.isoformat()
    return frozenset(table.cells("symbol")[on_day])
