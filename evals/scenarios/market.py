"""The small market every scenario shares: twelve names in three sectors, 300 business days.

``TAA`` and ``TAB`` are share classes of one company (one ``identical_group``). The names in
``FALLING`` lose about 40% over the last hundred days, so lots bought before are harvest
candidates; the others drift gently up.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 11, 20)
DAYS = 300
SEED = 20260
SECTORS = {
    "Technology": ("TAA", "TAB", "TCC", "TDD"),
    "Health Care": ("HAA", "HBB", "HCC", "HDD"),
    "Energy": ("EAA", "EBB", "ECC", "EDD"),
}
SYMBOLS = tuple(symbol for names in SECTORS.values() for symbol in names)
SHARE_CLASSES = ("TAA", "TAB")
FALLING = ("TAA", "TAB", "HAA")
FALL_STARTS = 200  # day index after which the falling names lose ~0.5% a day
FALL_PER_DAY = 0.005


def sector_of(symbol: str) -> str:
    return next(sector for sector, names in SECTORS.items() if symbol in names)


@cache
def closes() -> pd.DataFrame:
    """(DAYS x 12) closes rounded to cents, business days ending on ``AS_OF``."""
    rng = np.random.default_rng(SEED)
    dates = pd.bdate_range(end=pd.Timestamp(AS_OF), periods=DAYS)
    market = rng.normal(0.0004, 0.006, DAYS)
    paths: dict[str, np.ndarray] = {}
    for names in SECTORS.values():
        sector = rng.normal(0.0, 0.004, DAYS)
        for symbol in names:
            paths[symbol] = market + sector + rng.normal(0.0, 0.008, DAYS)
    paths["TAB"] = paths["TAA"] + rng.normal(0.0, 0.0005, DAYS)  # one company, two classes
    for symbol in FALLING:
        paths[symbol][FALL_STARTS:] -= FALL_PER_DAY
    levels = {
        symbol: (30.0 + 7.0 * i) * np.exp(np.cumsum(paths[symbol]))
        for i, symbol in enumerate(SYMBOLS)
    }
    return pd.DataFrame(levels, index=dates).round(2)


def day(index: int) -> dt.date:
    """The business day at ``index`` (negative counts back from the as-of date)."""
    return closes().index[index].date()


def index_of(when: dt.date) -> int:
    """Index of the business day ``when`` in the shared market."""
    return int(closes().index.get_loc(pd.Timestamp(when)))


def close(symbol: str, index: int) -> float:
    return float(closes()[symbol].iloc[index])


def benchmark_weights() -> dict[str, float]:
    """Fixed weights, larger for later names, summing to exactly one at six decimals."""
    raw = {symbol: 1.0 + 0.08 * i for i, symbol in enumerate(SYMBOLS)}
    total = sum(raw.values())
    weights = {symbol: round(value / total, 6) for symbol, value in raw.items()}
    weights[SYMBOLS[-1]] = round(1.0 - sum(weights[s] for s in SYMBOLS[:-1]), 6)
    return weights
