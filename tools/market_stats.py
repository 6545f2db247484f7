"""Summary statistics of a price panel: the figures a market simulation is calibrated to.

All returns are simple daily returns of ``adj_close`` (total returns: dividends and splits
are in it). Volatilities are annualized with 252 trading days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

TRADING_DAYS_PER_YEAR = 252
FULL_YEAR_MIN_DAYS = 240  # a calendar year with fewer observed days is a partial year


class YearDispersion(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    trading_days: int
    full_year: bool  # the year is observed from its start (previous close known) to its end
    market_return: float  # the benchmark's return over the year (or the observed part)
    share_down: float  # fraction of securities whose total return over the year is negative


class MarketStats(BaseModel):
    model_config = ConfigDict(frozen=True)

    securities: int
    trading_days: int
    first_date: dt.date
    last_date: dt.date
    market_vol: float  # annualized volatility of the benchmark's daily returns
    avg_stock_vol: float  # mean over securities of each one's annualized volatility
    avg_pairwise_corr: float | None  # mean off-diagonal correlation of daily returns
    typical_share_down: float  # mean of ``share_down`` over full years (all years if none)
    adjusted_securities: int  # securities whose adj_close differs from close (dividends, splits)
    years: tuple[YearDispersion, ...]


def describe_market(
    close: pd.DataFrame,
    adj_close: pd.DataFrame | None = None,
    weights: pd.Series | None = None,
) -> MarketStats:
    """Calibration figures of a price panel (DatetimeIndex x symbol columns).

    ``weights`` (by symbol) define the benchmark and restrict the stock statistics to its
    constituents (so index funds in the panel do not count as stocks); without weights every
    column counts and the benchmark is equal-weighted. The benchmark return is the weighted
    sum of daily returns, i.e. a portfolio held at fixed weights (rebalanced daily).
    """
    adjusted = close if adj_close is None else adj_close
    if close.shape[0] < 3 or close.shape[1] < 2:
        raise ValueError("need at least 3 dates and 2 securities to describe a market")
    members = (
        list(close.columns)
        if weights is None
        else [symbol for symbol in weights.index if symbol in adjusted.columns]
    )
    if len(members) < 2:
        raise ValueError("fewer than 2 benchmark members have prices")
    panel = adjusted[members].sort_index()
    returns = panel.pct_change(fill_method=None).iloc[1:]
    member_weights = (
        pd.Series(1.0 / len(members), index=members)
        if weights is None
        else weights.reindex(members).astype(float)
    )
    member_weights = member_weights / member_weights.sum()
    market = returns.fillna(0.0) @ member_weights

    annualize = np.sqrt(TRADING_DAYS_PER_YEAR)
    years = _yearly_dispersion(panel, market)
    full = [year.share_down for year in years if year.full_year]
    return MarketStats(
        securities=len(members),
        trading_days=int(panel.shape[0]),
        first_date=panel.index[0].date(),
        last_date=panel.index[-1].date(),
        market_vol=float(market.std() * annualize),
        avg_stock_vol=float(returns.std().mean() * annualize),
        avg_pairwise_corr=_average_correlation(returns),
        typical_share_down=float(np.mean(full or [year.share_down for year in years])),
        adjusted_securities=_adjusted_count(close, adjusted),
        years=tuple(years),
    )


def _average_correlation(returns: pd.DataFrame) -> float | None:
    """Mean off-diagonal correlation (pairwise-complete when some returns are missing).

    Securities whose price never moves have no correlation and are left out; None when
    fewer than two securities move.
    """
    moving = returns.loc[:, returns.std() > 0]
    if moving.shape[1] < 2:
        return None
    if moving.isna().to_numpy().any():
        matrix = moving.corr().to_numpy()
    else:
        matrix = np.corrcoef(moving.to_numpy(), rowvar=False)
    off_diagonal = matrix[~np.eye(matrix.shape[0], dtype=bool)]
    return float(np.nanmean(off_diagonal))


def _yearly_dispersion(panel: pd.DataFrame, market: pd.Series) -> list[YearDispersion]:
    """Per calendar year: each security's return from the previous year's last close (or the
    year's first observation) to the year's last close, and the share that lost money."""
    result: list[YearDispersion] = []
    by_year = panel.groupby(panel.index.year)
    previous_close: pd.Series | None = None
    for year, rows in by_year:
        start = previous_close if previous_close is not None else rows.iloc[0]
        end = rows.ffill().iloc[-1]
        change = (end / start - 1.0).dropna()
        market_rows = market[market.index.year == year]
        result.append(
            YearDispersion(
                year=int(year),
                trading_days=int(rows.shape[0]),
                full_year=previous_close is not None and rows.shape[0] >= FULL_YEAR_MIN_DAYS,
                market_return=float(np.prod(1.0 + market_rows.to_numpy()) - 1.0),
                share_down=float((change < 0).mean()) if len(change) else 0.0,
            )
        )
        previous_close = end
    return result


def _adjusted_count(close: pd.DataFrame, adjusted: pd.DataFrame) -> int:
    common = [symbol for symbol in close.columns if symbol in adjusted.columns]
    ratio = (adjusted[common] / close[common]).to_numpy()
    differs = np.nanmax(np.abs(ratio - 1.0), axis=0) > 1e-6
    return int(differs.sum())
