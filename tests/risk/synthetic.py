"""Synthetic markets with a known factor structure, built from fixed seeds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.models import Security

SECTORS = ("Energy", "Financials", "Health Care", "Industrials", "Technology")


@dataclass(frozen=True, eq=False)
class SyntheticMarket:
    returns: pd.DataFrame  # (T, N) daily returns
    prices: pd.DataFrame  # (T + 1, N) adjusted closes starting at 100
    securities: dict[str, Security]
    benchmark: pd.Series  # (N,) weights summing to 1
    true_cov: np.ndarray  # (N, N) daily covariance the returns were drawn from


def make_market(
    n_symbols: int = 60, n_days: int = 750, n_factors: int = 4, seed: int = 7
) -> SyntheticMarket:
    """Returns drawn from a sector + hidden-factor model with heterogeneous specific risk."""
    rng = np.random.default_rng(seed)
    symbols = [f"S{i:03d}" for i in range(n_symbols)]
    sectors = [SECTORS[i % len(SECTORS)] for i in range(n_symbols)]
    sector_index = np.array([SECTORS.index(s) for s in sectors])
    market = rng.normal(1.0, 0.3, n_symbols)
    hidden = rng.normal(0.0, 0.5, (n_symbols, n_factors - 1))
    sector_loadings = np.eye(len(SECTORS))[sector_index] * 0.6
    loadings = np.hstack([market[:, None], hidden, sector_loadings])
    factor_vol = np.concatenate(
        [[0.010], np.full(n_factors - 1, 0.004), np.full(len(SECTORS), 0.005)]
    )
    specific_vol = rng.uniform(0.008, 0.02, n_symbols)
    factor_returns = rng.normal(0.0, 1.0, (n_days, loadings.shape[1])) * factor_vol
    noise = rng.normal(0.0, 1.0, (n_days, n_symbols)) * specific_vol
    values = factor_returns @ loadings.T + noise
    true_cov = (loadings * factor_vol**2) @ loadings.T + np.diag(specific_vol**2)
    dates = pd.bdate_range("2021-01-04", periods=n_days + 1)
    returns = pd.DataFrame(values, index=dates[1:], columns=symbols)
    prices = 100.0 * (1.0 + returns).cumprod()
    prices = pd.concat([pd.DataFrame(100.0, index=dates[:1], columns=symbols), prices])
    caps = rng.lognormal(0.0, 1.0, n_symbols)
    securities = {
        s: Security(symbol=s, name=f"Company {s}", sector=sec, industry=f"{sec} industry")
        for s, sec in zip(symbols, sectors, strict=True)
    }
    return SyntheticMarket(
        returns=returns,
        prices=prices,
        securities=securities,
        benchmark=pd.Series(caps / caps.sum(), index=symbols),
        true_cov=true_cov,
    )
