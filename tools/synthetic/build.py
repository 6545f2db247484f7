"""Assemble the whole synthetic data set in memory: universe, market, sample households.

Each part draws from its own random stream derived from the seed, so adding fleet
households never changes the market or the sample household, and the same seed always gives
the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

from tools.synthetic.benchmark import WEIGHT_UNIT, cap_weight_units
from tools.synthetic.calendar import DEFAULT_AS_OF, months_before, price_dates
from tools.synthetic.context import BuildContext
from tools.synthetic.fleet import build_fleet_household
from tools.synthetic.market import simulate_returns
from tools.synthetic.prices import PricePanel, build_price_panel
from tools.synthetic.records import AccountSpec, HouseholdRecords
from tools.synthetic.rivera import build_rivera, plan_rivera, split_candidates
from tools.synthetic.rows import TransactionTable
from tools.synthetic.universe import Universe, build_universe

SPLIT_MONTHS_BEFORE_AS_OF = 14


class Stream(IntEnum):
    """Independent random streams: ``default_rng([seed, stream, ...])``."""

    UNIVERSE = 1
    MARKET = 2
    SAMPLE_HOUSEHOLD = 3
    FLEET = 4


@dataclass(frozen=True)
class SyntheticDataset:
    seed: int
    universe: Universe
    panel: PricePanel
    benchmark_units: np.ndarray  # (N,) int64 weights in 1e-10 units; 0 for the index funds
    accounts: tuple[AccountSpec, ...]  # file order; transactions refer to them by position
    households: tuple[HouseholdRecords, ...]
    transactions: TransactionTable

    @property
    def as_of(self) -> dt.date:
        return self.panel.dates[-1].date()

    def price_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(close, adj_close) in dollars, dates x symbols, as the loader would build them."""
        symbols = list(self.universe.symbols)
        close = pd.DataFrame(
            self.panel.close_cents / 100.0, index=self.panel.dates, columns=symbols
        )
        adjusted = pd.DataFrame(self.panel.adj_close, index=self.panel.dates, columns=symbols)
        return close, adjusted

    def benchmark_weights(self) -> pd.Series:
        """Benchmark weights by symbol (constituents only)."""
        stocks = self.universe.stocks
        return pd.Series(
            self.benchmark_units[stocks] / WEIGHT_UNIT,
            index=[self.universe.symbols[i] for i in stocks],
        )


def build_dataset(
    seed: int = 7, households: int = 0, as_of: dt.date | None = None
) -> SyntheticDataset:
    """The sample household "rivera" plus ``households`` fleet households.

    Prices cover five years of business days ending on ``as_of`` (default 2026-11-20), or on
    the business day before it when it falls on a weekend.
    """
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if households < 0:
        raise ValueError("households must be zero or more")
    dates = price_dates(as_of or DEFAULT_AS_OF)
    universe = build_universe(np.random.default_rng([seed, Stream.UNIVERSE]))
    stocks = universe.stocks
    units = np.zeros(universe.size, dtype=np.int64)
    units[stocks] = cap_weight_units(universe.cap_usd[stocks])

    plan = plan_rivera(universe, np.random.default_rng([seed, Stream.SAMPLE_HOUSEHOLD, 0]))
    simulated = simulate_returns(
        universe, len(dates), np.random.default_rng([seed, Stream.MARKET]), units / WEIGHT_UNIT
    )
    panel = build_price_panel(
        universe,
        dates,
        simulated,
        split_candidates(universe, plan),
        months_before(dates[-1].date(), SPLIT_MONTHS_BEFORE_AS_OF),
    )

    ctx = BuildContext(universe, panel)
    records = [build_rivera(plan, ctx, np.random.default_rng([seed, Stream.SAMPLE_HOUSEHOLD, 1]))]
    records.extend(
        build_fleet_household(position, ctx, np.random.default_rng([seed, Stream.FLEET, position]))
        for position in range(households)
    )
    return SyntheticDataset(
        seed=seed,
        universe=universe,
        panel=panel,
        benchmark_units=units,
        accounts=tuple(ctx.accounts),
        households=tuple(records),
        transactions=ctx.rows.table(),
    )
