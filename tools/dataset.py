"""The in-memory form of a validated portfolio data directory.

``tools.loading`` builds it; every other tool reads it. It holds typed models for the small
tables and pandas frames for the price panel and benchmark, which are large and numeric.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tools.errors import DataValidationError, Problem
from tools.models import (
    Account,
    Household,
    PendingPurchase,
    Restriction,
    Security,
    Transaction,
)

PRICES_FILE = "prices.csv"  # how errors about prices name their file
ACCOUNTS_FILE = "accounts.csv"  # how errors about accounts name their file


def missing_prices(symbols: Iterable[str], when: str) -> DataValidationError:
    """The error for symbols that need a close and have none (blank, NaN or not positive) on
    or before ``when``: one problem per symbol, against prices.csv's ``close`` column."""
    return DataValidationError(
        [
            Problem(PRICES_FILE, None, "close", f"no price for {symbol} on or before {when}")
            for symbol in symbols
        ]
    )


def close_of(prices: Mapping[str, float], symbol: str, as_of: dt.date) -> float:
    """``symbol``'s close in ``prices`` (symbol -> close on ``as_of``); missing or NaN is an
    error."""
    price = prices.get(symbol)
    if price is None or math.isnan(price):
        raise missing_prices([symbol], as_of.isoformat())
    return float(price)


@dataclass(frozen=True)
class PortfolioData:
    root: Path
    as_of: dt.date  # the requested as-of date (default: last price date)
    securities: dict[str, Security]  # by symbol
    accounts: dict[str, Account]  # by account_id, file order
    households: dict[str, Household]  # by household_id, first-seen order
    transactions: tuple[Transaction, ...]  # every row of transactions.csv, file order
    close: pd.DataFrame  # traded close: DatetimeIndex (business days) x symbol columns
    adj_close: pd.DataFrame  # adj_close where given, else close; same shape as ``close``
    benchmark: pd.DataFrame  # columns: date (datetime64, NaT when undated), symbol, weight
    restrictions: tuple[Restriction, ...] = ()
    pending: tuple[PendingPurchase, ...] = ()
    policy_overrides: dict[str, Any] = field(default_factory=dict)  # raw policy.yaml mapping
    file_digests: dict[str, str] = field(default_factory=dict)  # file name -> sha256 hex

    def transactions_until(self, as_of: dt.date | None = None) -> tuple[Transaction, ...]:
        """Transactions dated on or before ``as_of`` (default: the data's as-of), file order."""
        cutoff = as_of or self.as_of
        return tuple(t for t in self.transactions if t.date <= cutoff)

    def accounts_of(self, household_id: str) -> list[Account]:
        return [self.accounts[a] for a in self.households[household_id].account_ids]

    def prices_on(self, as_of: dt.date | None = None) -> pd.Series:
        """Close prices on the last price date on or before ``as_of`` (NaN where missing)."""
        cutoff = pd.Timestamp(as_of or self.as_of)
        rows = self.close.loc[:cutoff]
        if rows.empty:
            return pd.Series(dtype=float)
        return rows.iloc[-1]

    def benchmark_weights(self, as_of: dt.date | None = None) -> pd.Series:
        """Benchmark weights by symbol, from the latest date on or before ``as_of``.

        Undated rows (no ``date`` column) apply on every date.
        """
        cutoff = pd.Timestamp(as_of or self.as_of)
        frame = self.benchmark
        dated = frame[frame["date"].notna() & (frame["date"] <= cutoff)]
        if not dated.empty:
            latest = dated["date"].max()
            chosen = dated[dated["date"] == latest]
        else:
            chosen = frame[frame["date"].isna()]
        return chosen.set_index("symbol")["weight"].astype(float)
