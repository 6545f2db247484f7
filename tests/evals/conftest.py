"""A small synthetic market and the runs of every strategy on it, computed once per session."""

from __future__ import annotations

import warnings

import pytest

from evals.backtest.config import BacktestConfig
from evals.backtest.market import Market, synthetic_market
from evals.backtest.suite import Scored, run_market

SMALL_CONFIG = BacktestConfig(decision_every_days=21)


@pytest.fixture(scope="session")
def small_market() -> Market:
    # 12 names over 1.3 years: a tax year (2025) ends and is filed inside the run.
    return synthetic_market(seed=3, names=12, years=1.3)


@pytest.fixture(scope="session")
def small_suite(small_market: Market) -> dict[str, Scored]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = run_market(small_market, SMALL_CONFIG, progress=lambda _: None)
    return {s.label: s for s in scored}
