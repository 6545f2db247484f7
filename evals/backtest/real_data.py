"""Real prices, when the optional ``real-data`` extra is installed: the 20 US stocks of the
S&P 500 that ``skfolio`` ships offline (``skfolio.datasets.load_sp500_dataset``, 1990-2022).

The benchmark is the 20 names held equally weighted on the first day (then drifting), as the
data set has no capitalizations; sectors are not given either, so each name is its own.
"""

from __future__ import annotations

import importlib
import importlib.util

import numpy as np
import pandas as pd

from evals.backtest.market import RISK_WARMUP_DAYS, TRADING_DAYS_PER_YEAR, Market
from tools.models import Security


def real_data_available() -> bool:
    return importlib.util.find_spec("skfolio") is not None


def sp500_market(years: float) -> Market:
    """The last ``years`` of the skfolio S&P 500 stocks (after the risk warm-up)."""
    datasets = importlib.import_module("skfolio.datasets")  # optional: real_data_available
    prices = datasets.load_sp500_dataset().astype(float)
    prices.index = pd.DatetimeIndex(prices.index)
    days = round(years * TRADING_DAYS_PER_YEAR)
    prices = prices.dropna(how="any").iloc[-(days + RISK_WARMUP_DAYS) :]
    symbols = [str(column) for column in prices.columns]
    prices.columns = symbols
    securities = {s: Security(symbol=s, name=s, sector=s, industry=s) for s in symbols}
    return Market(
        name="skfolio S&P 500 stocks",
        prices=prices,
        start=RISK_WARMUP_DAYS,
        start_weights=pd.Series(np.full(len(symbols), 1.0 / len(symbols)), index=symbols),
        securities=securities,
    )
