"""Figures of one backtest run, the way Chaudhuri, Burnham and Lo (FAJ 2020) compare them.

Returns are time-weighted (contributions and withdrawals are taken out day by day) and
annualized geometrically over calendar days. Pre-tax returns also take tax payments out (as
if paid from elsewhere); after-tax returns leave them in, and subtract the tax accrued on
results realized but not yet filed ("pre-liquidation"). The liquidated variant also pays the
tax of selling everything at the last close.

Tax alpha (the paper's definition): the strategy's annualized after-tax return minus that of
the same money held passively, i.e. ``buy_and_hold`` of the benchmark names in the same
account at the same costs; ``tax_alpha_vs_fund`` uses the benchmark held as a fund instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evals.backtest.simulator import BacktestRun
from evals.backtest.taxes import year_tax
from evals.backtest.washcheck import wash_sale_violations
from tools.risk.tracking import ex_post_te

TRADING_DAYS_PER_YEAR = 252
DAYS_PER_YEAR = 365.25
TE_WINDOW = 63  # a quarter of trading days, for TE over time


@dataclass(frozen=True)
class RunMetrics:
    strategy: str
    market: str
    years: float
    pre_tax: float  # annualized
    after_tax: float  # annualized, pre-liquidation
    after_tax_liquidated: float  # annualized, everything sold at the end
    benchmark_pre_tax: float
    benchmark_after_tax_liquidated: float
    tax_alpha_vs_fund: float  # after_tax - benchmark fund's after-tax (pre-liquidation)
    realized_te: float  # annualized, daily active returns over the whole run
    harvested_share: float  # cumulative claimed losses / initial value
    peak_net_loss_share: float  # largest cumulative net realized loss / initial value
    turnover: float  # one-way, per year, fraction of average value (initial purchase excluded)
    wash_sale_violations: int
    fills: int


def growth_factors(values: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """(T,) daily growth of a value series with external ``flows`` added before each close;
    the first day grows from its own flow (the initial deposit)."""
    previous = np.concatenate([[flows[0]], values[:-1]])
    before_flows = values - np.concatenate([[0.0], flows[1:]])
    return before_flows / previous


def annualized(growth: np.ndarray, days: int) -> float:
    total = float(np.prod(growth))
    return total ** (DAYS_PER_YEAR / max(days, 1)) - 1.0


def daily_returns_of(run: BacktestRun) -> pd.Series:
    """Pre-tax daily returns of the account (tax payments taken out like flows)."""
    growth = growth_factors(run.value, run.flows - run.taxes_paid)
    return pd.Series(growth - 1.0, index=pd.DatetimeIndex(run.dates))


def benchmark_returns_of(run: BacktestRun) -> pd.Series:
    growth = growth_factors(run.benchmark, run.flows)
    return pd.Series(growth - 1.0, index=pd.DatetimeIndex(run.dates))


def rolling_te(run: BacktestRun, window: int = TE_WINDOW) -> pd.Series:
    """Realized TE over the trailing ``window`` trading days, annualized, by run year."""
    active = daily_returns_of(run) - benchmark_returns_of(run)
    te = active.rolling(window).std(ddof=1) * math.sqrt(TRADING_DAYS_PER_YEAR)
    return pd.Series(te.to_numpy(), index=run_years(run))


def run_years(run: BacktestRun) -> np.ndarray:
    """(T,) time since the first day of the run, in years of trading days."""
    return np.arange(len(run.dates)) / TRADING_DAYS_PER_YEAR


def after_tax_by_year(run: BacktestRun) -> pd.Series:
    """After-tax (pre-liquidation) return of each year of the run (1 = its first 252 days),
    so that markets with different calendars line up (the AQR decay is in years held)."""
    growth = pd.Series(growth_factors(run.after_tax_value, run.flows))
    year = np.arange(len(growth)) // TRADING_DAYS_PER_YEAR + 1
    return growth.groupby(year).prod() - 1.0


def run_metrics(run: BacktestRun) -> RunMetrics:
    days = (run.dates[-1] - run.dates[0]).days
    initial = run.config.initial_value
    liquidated = run.after_tax_value.copy()
    liquidated[-1] = run.value[-1] - run.liquidation_tax
    fund_gain = run.benchmark[-1] - run.flows.sum()
    fund_tax = year_tax(
        0.0,
        fund_gain,
        short_rate=run.config.short_rate,
        long_rate=run.config.long_rate,
        loss_usage=run.config.loss_usage,
    ).tax
    fund_liquidated = run.benchmark.copy()
    fund_liquidated[-1] -= fund_tax
    fund = annualized(growth_factors(run.benchmark, run.flows), days)
    after_tax = annualized(growth_factors(run.after_tax_value, run.flows), days)
    traded = sum(fill.notional for fill in run.fills if fill.date != run.dates[0])
    years = days / DAYS_PER_YEAR
    returns, bench = daily_returns_of(run), benchmark_returns_of(run)
    return RunMetrics(
        strategy=run.strategy,
        market=run.market,
        years=years,
        pre_tax=annualized(growth_factors(run.value, run.flows - run.taxes_paid), days),
        after_tax=after_tax,
        after_tax_liquidated=annualized(growth_factors(liquidated, run.flows), days),
        benchmark_pre_tax=fund,
        benchmark_after_tax_liquidated=annualized(growth_factors(fund_liquidated, run.flows), days),
        tax_alpha_vs_fund=after_tax - fund,
        realized_te=ex_post_te(returns.iloc[1:], bench.iloc[1:], window=len(returns) - 1),
        harvested_share=float(run.harvested[-1]) / initial,
        peak_net_loss_share=max(0.0, float(-run.net_realized.min())) / initial,
        turnover=traded / 2.0 / float(np.mean(run.value)) / max(years, 1e-9),
        wash_sale_violations=len(wash_sale_violations(run.fills, run.disposals)),
        fills=len(run.fills),
    )
