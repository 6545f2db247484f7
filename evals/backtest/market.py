"""The price history a backtest trades on: total-return closes, the benchmark and securities.

Prices are split- and dividend-adjusted (total return), so a fill at the close needs no
corporate-action rows and dividends are reinvested inside the price for every strategy alike
(their taxation is left out, the same for all). The benchmark is cap-weighted on the first
day and then drifts with prices, exactly what a fund holding it would own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.models import Security
from tools.synthetic import build_dataset

TRADING_DAYS_PER_YEAR = 252
RISK_WARMUP_DAYS = 126  # half a year of history before the first trade, for the risk model


@dataclass(frozen=True, eq=False)
class Market:
    name: str
    prices: pd.DataFrame  # (T, N) total-return closes, business days x symbols
    start: int  # index of the first trading day of the backtest (earlier rows: risk warm-up)
    start_weights: pd.Series  # (N,) benchmark weights on the first trading day, sum 1
    securities: dict[str, Security]  # by symbol, every column of ``prices``

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.prices.index)

    @property
    def trading_dates(self) -> list[dt.date]:
        return [day.date() for day in self.dates[self.start :]]

    @property
    def digest(self) -> str:
        """Content hash of the price panel (keys caches that must not mix two markets)."""
        return hashlib.sha256(
            np.ascontiguousarray(self.prices.to_numpy(float)).tobytes()
            + ",".join(self.prices.columns).encode()
        ).hexdigest()

    def benchmark_index(self) -> pd.Series:
        """(T - start,) value of one dollar put in the benchmark on the first trading day."""
        held = self.prices.iloc[self.start :]
        growth = held / held.iloc[0]
        return (growth * self.start_weights.reindex(held.columns)).sum(axis=1)

    def benchmark_weights_on(self, day: int) -> pd.Series:
        """Drifted benchmark weights on row ``day`` of ``prices`` (``day >= start``)."""
        growth = self.prices.iloc[day] / self.prices.iloc[self.start]
        drifted = self.start_weights * growth.reindex(self.start_weights.index)
        return drifted / drifted.sum()


def synthetic_market(seed: int, names: int, years: float) -> Market:
    """The ``names`` largest stocks of the synthetic market of ``seed``, over the last
    ``years`` of its five-year history (after a half-year risk warm-up)."""
    dataset = build_dataset(seed=seed)
    _, adjusted = dataset.price_frames()
    weights = dataset.benchmark_weights().sort_values(ascending=False).iloc[:names]
    days = round(years * TRADING_DAYS_PER_YEAR)
    if days + RISK_WARMUP_DAYS > len(adjusted):
        raise ValueError(
            f"the synthetic history has {len(adjusted)} days; {years} years need "
            f"{days + RISK_WARMUP_DAYS} with the warm-up"
        )
    symbols = list(weights.index)
    prices = adjusted[symbols].iloc[-(days + RISK_WARMUP_DAYS) :]
    universe = dataset.universe
    position = {symbol: i for i, symbol in enumerate(universe.symbols)}
    securities = {
        symbol: Security(
            symbol=symbol,
            name=universe.names[position[symbol]],
            sector=universe.sectors[position[symbol]],
            industry=universe.industries[position[symbol]],
            identical_group=universe.identical_groups[position[symbol]] or None,
        )
        for symbol in symbols
    }
    start_prices = prices.iloc[RISK_WARMUP_DAYS]
    if not bool(np.isfinite(start_prices).all()):
        raise ValueError("every chosen name must trade on the first backtest day")
    return Market(
        name=f"synthetic seed {seed}",
        prices=prices,
        start=RISK_WARMUP_DAYS,
        start_weights=weights / weights.sum(),
        securities=securities,
    )
