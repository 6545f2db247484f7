"""Daily total returns from a factor model calibrated to US large caps.

    r[t, i] = mu_m + beta_i * m[t] + gamma_i * s[t, sector(i)] + sum_k l[i, k] * f[t, k] + e[t, i]

- ``m``: the market factor, fat-tailed (Student t) with GARCH(1,1) volatility clustering;
- ``s``: eleven sector factors, orthogonal to the market;
- ``f``: four style factors (size, value, momentum, quality);
- ``e``: idiosyncratic noise, fat-tailed, with a volatility that is higher for small caps.

Each factor path is rescaled to its target realized volatility (moment matching) and the
market factor's realized drift is set exactly, so every seed gives a market inside the
calibration ranges (market about 16% a year, single stocks 25-30%, pairwise correlation about
0.3, roughly 40% of stocks down in a typical year) while paths still differ.
Share classes follow their company's line with a small pricing-gap noise; the index funds
follow the cap-weighted index net of a small fee.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.synthetic.calendar import TRADING_DAYS_PER_YEAR
from tools.synthetic.sectors import SECTORS
from tools.synthetic.universe import Universe


@dataclass(frozen=True)
class MarketCalibration:
    market_vol: float = 0.155  # annualized; the cap-weighted index adds sector noise to ~16%
    market_drift: float = 0.06  # annualized log drift of the market factor (exact)
    beta_mean: float = 1.0
    beta_sd: float = 0.22
    sector_loading_sd: float = 0.25  # around 1
    style_vols: tuple[float, ...] = (0.035, 0.04, 0.055, 0.03)  # size, value, momentum, quality
    idio_vol_median: float = 0.185  # annualized idiosyncratic volatility of a median stock
    idio_vol_dispersion: float = 0.30  # log-sd of idiosyncratic volatility across stocks
    idio_size_tilt: float = 0.10  # smaller caps carry more idiosyncratic risk
    tail_df: float = 5.0  # Student t degrees of freedom of the shocks
    garch_alpha: float = 0.08
    garch_beta: float = 0.90
    share_class_gap_vol: float = 0.01  # annualized noise between two classes of one company
    fund_fee: float = 0.0005  # annual expense ratio of the index funds
    fund_tracking_vol: float = 0.002  # annualized tracking noise of each fund


@dataclass(frozen=True)
class SimulatedReturns:
    log_returns: np.ndarray  # (T, N) daily total-return log returns; row 0 is zero
    start_prices: np.ndarray  # (N,) first close, dollars


def simulate_returns(
    universe: Universe,
    n_days: int,
    rng: np.random.Generator,
    index_weights: np.ndarray,
    calibration: MarketCalibration | None = None,
) -> SimulatedReturns:
    """Total-return log returns for every security of ``universe`` over ``n_days`` days.

    ``index_weights`` (N,) are the benchmark weights (zero for funds); the funds track them.
    """
    cal = calibration or MarketCalibration()
    per_day = np.sqrt(TRADING_DAYS_PER_YEAR)
    stocks = universe.stocks
    n_stocks = len(stocks)
    size_z = _zscore(np.log(universe.cap_usd[stocks]))

    market = _garch_path(rng, n_days, cal)
    market = market / market.std() * cal.market_vol / per_day
    market += cal.market_drift / TRADING_DAYS_PER_YEAR - market.mean()

    sector_vols = np.array([sector.factor_vol for sector in SECTORS]) / per_day
    sector_factors = _scaled_shocks(rng, n_days, len(SECTORS), cal.tail_df) * sector_vols
    style_vols = np.array(cal.style_vols) / per_day
    style_factors = _scaled_shocks(rng, n_days, len(style_vols), cal.tail_df) * style_vols

    betas = np.clip(rng.normal(cal.beta_mean, cal.beta_sd, n_stocks), 0.4, 1.9)
    sector_loadings = np.clip(rng.normal(1.0, cal.sector_loading_sd, n_stocks), 0.3, 1.8)
    style_loadings = rng.standard_normal((n_stocks, len(style_vols)))
    style_loadings[:, 0] = -size_z  # the size factor rewards small caps
    idio_vols = (
        cal.idio_vol_median
        * np.exp(
            cal.idio_vol_dispersion * rng.standard_normal(n_stocks) - cal.idio_size_tilt * size_z
        )
        / per_day
    )
    idio = _scaled_shocks(rng, n_days, n_stocks, cal.tail_df) * idio_vols

    sector_of = universe.sector_index[stocks]
    stock_returns = (
        np.outer(market, betas)
        + sector_factors[:, sector_of] * sector_loadings
        + style_factors @ style_loadings.T
        + idio
    )

    returns = np.zeros((n_days, universe.size))
    returns[:, stocks] = stock_returns
    _tie_share_classes(universe, returns, rng, cal.share_class_gap_vol / per_day)
    _track_index(universe, returns, rng, index_weights, cal)
    returns[0] = 0.0

    start_prices = np.exp(rng.normal(np.log(70.0), 0.75, universe.size)).clip(12.0, 900.0)
    for line in np.flatnonzero(universe.share_class_lines):
        first_line = int(np.flatnonzero(universe.company == universe.company[line])[0])
        if line != first_line:
            start_prices[line] = start_prices[first_line] * rng.uniform(0.97, 1.0)
    funds = np.flatnonzero(universe.is_fund)
    start_prices[funds] = rng.uniform(80.0, 450.0, len(funds))
    return SimulatedReturns(log_returns=returns, start_prices=start_prices)


def _garch_path(rng: np.random.Generator, n_days: int, cal: MarketCalibration) -> np.ndarray:
    """Unit-variance GARCH(1,1) shocks with Student t innovations (volatility clustering)."""
    innovations = _unit_t(rng, n_days, cal.tail_df)
    omega = 1.0 - cal.garch_alpha - cal.garch_beta
    variance = 1.0
    path = np.empty(n_days)
    for day in range(n_days):
        path[day] = np.sqrt(variance) * innovations[day]
        variance = omega + cal.garch_alpha * path[day] ** 2 + cal.garch_beta * variance
    return path


def _scaled_shocks(rng: np.random.Generator, n_days: int, columns: int, df: float) -> np.ndarray:
    """(n_days, columns) fat-tailed shocks, each column rescaled to unit realized volatility.

    Means are left as drawn: they are part of what makes one stock beat another.
    """
    shocks = _unit_t(rng, (n_days, columns), df)
    return shocks / shocks.std(axis=0)


def _unit_t(rng: np.random.Generator, shape: int | tuple[int, int], df: float) -> np.ndarray:
    """Student t draws scaled to unit variance."""
    return rng.standard_t(df, size=shape) / np.sqrt(df / (df - 2.0))


def _zscore(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def _tie_share_classes(
    universe: Universe, returns: np.ndarray, rng: np.random.Generator, gap_vol: float
) -> None:
    """Second share classes move with the first class plus a mean-reverting pricing gap."""
    for line in np.flatnonzero(universe.share_class_lines):
        lines = np.flatnonzero(universe.company == universe.company[line])
        if line == lines[0]:
            continue
        gap = np.zeros(returns.shape[0])
        shocks = rng.standard_normal(returns.shape[0]) * gap_vol
        for day in range(1, len(gap)):
            gap[day] = 0.9 * gap[day - 1] + shocks[day]
        returns[:, line] = returns[:, lines[0]] + np.diff(gap, prepend=0.0)


def _track_index(
    universe: Universe,
    returns: np.ndarray,
    rng: np.random.Generator,
    index_weights: np.ndarray,
    cal: MarketCalibration,
) -> None:
    """Index funds earn the cap-weighted index's simple return, less fees, plus tiny noise."""
    index_simple = np.expm1(returns) @ index_weights
    daily_fee = cal.fund_fee / TRADING_DAYS_PER_YEAR
    noise_vol = cal.fund_tracking_vol / np.sqrt(TRADING_DAYS_PER_YEAR)
    for fund in np.flatnonzero(universe.is_fund):
        noise = rng.standard_normal(returns.shape[0]) * noise_vol
        returns[:, fund] = np.log1p(index_simple - daily_fee) + noise
