"""Risk benchmarks: model estimation, fleet tracking error and the TE-vs-names curve.

Run with ``python -m benchmarks.risk``. The market is synthetic (fixed seed): 500 names in 11
sectors over 1,250 trading days, driven by a market factor, sector factors and four style
factors, with fat-tailed specific returns, a few new listings and scattered missing prices.
Each timing is the median of ``REPEATS`` runs. Targets: estimation <= 2 s, 10,000 accounts'
TE <= 1 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from tools.models import Security
from tools.risk import (
    daily_returns,
    estimate_fundamental_model,
    estimate_pca_model,
    ex_ante_te,
    ex_ante_te_many,
    te_curve,
)

N_SYMBOLS = 500
N_DAYS = 1250
N_SECTORS = 11
N_STYLES = 4
N_ACCOUNTS = 10_000
NEW_LISTINGS = 10
MISSING_PRICE_SHARE = 0.002
REPEATS = 3
ESTIMATION_TARGET_SECONDS = 2.0
FLEET_TARGET_SECONDS = 1.0
SEED = 20240601

T = TypeVar("T")


def synthetic_market(
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict[str, Security], pd.Series]:
    """Adjusted closes (N_DAYS + 1 dates), securities and cap weights of a factor market."""
    symbols = [f"SYM{i:03d}" for i in range(N_SYMBOLS)]
    sectors = rng.integers(0, N_SECTORS, N_SYMBOLS)
    betas = rng.normal(1.0, 0.25, N_SYMBOLS)
    sector_loadings = np.eye(N_SECTORS)[sectors] * rng.normal(1.0, 0.25, N_SYMBOLS)[:, None]
    style_loadings = rng.normal(0.0, 1.0, (N_SYMBOLS, N_STYLES))
    loadings = np.hstack([betas[:, None], sector_loadings, style_loadings])
    daily_vols = np.concatenate([[0.16], np.full(N_SECTORS, 0.08), np.full(N_STYLES, 0.04)])
    factor_returns = rng.normal(0.0, 1.0, (N_DAYS, loadings.shape[1])) * daily_vols / 15.87
    specific_vols = rng.lognormal(np.log(0.22), 0.3, N_SYMBOLS) / 15.87
    specific = rng.standard_t(5, (N_DAYS, N_SYMBOLS)) * np.sqrt(3 / 5) * specific_vols
    returns = factor_returns @ loadings.T + specific
    prices = 50.0 * np.vstack([np.ones(N_SYMBOLS), np.cumprod(1.0 + returns, axis=0)])
    prices[rng.random(prices.shape) < MISSING_PRICE_SHARE] = np.nan
    for column in rng.choice(N_SYMBOLS, NEW_LISTINGS, replace=False):
        prices[: rng.integers(N_DAYS // 2, N_DAYS - 30), column] = np.nan
    dates = pd.bdate_range("2020-01-01", periods=N_DAYS + 1)
    securities = {
        symbol: Security(
            symbol=symbol,
            name=symbol,
            sector=f"Sector {sector:02d}",
            industry=f"Industry {sector:02d}",
        )
        for symbol, sector in zip(symbols, sectors, strict=True)
    }
    caps = rng.lognormal(0.0, 1.2, N_SYMBOLS)
    return (
        pd.DataFrame(prices, index=dates, columns=symbols),
        securities,
        pd.Series(caps / caps.sum(), index=symbols),
    )


def fleet_weights(rng: np.random.Generator, benchmark: np.ndarray) -> np.ndarray:
    """(N_ACCOUNTS, N_SYMBOLS): each account holds 100-300 names, tilted off the benchmark."""
    weights = np.zeros((N_ACCOUNTS, N_SYMBOLS))
    for row in weights:
        held = rng.choice(N_SYMBOLS, rng.integers(100, 301), replace=False)
        row[held] = benchmark[held] * rng.lognormal(0.0, 0.3, held.size)
    return weights / weights.sum(axis=1, keepdims=True) * rng.uniform(0.97, 1.0, (N_ACCOUNTS, 1))


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """The result of ``action`` and the median of its wall times over ``REPEATS`` runs."""
    seconds = []
    result = None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    assert result is not None
    return result, statistics.median(seconds)


def verdict(seconds: float, target: float) -> str:
    return f"(target <= {target:.1f} s: {'met' if seconds <= target else 'MISSED'})"


def main() -> None:
    rng = np.random.default_rng(SEED)
    prices, securities, benchmark = synthetic_market(rng)
    as_of = prices.index[-1]
    print(
        f"risk benchmarks: {N_SYMBOLS} names x {N_DAYS} days, {NEW_LISTINGS} new listings, "
        f"{MISSING_PRICE_SHARE:.1%} missing prices, median of {REPEATS} runs"
    )

    panel, returns_seconds = timed(lambda: daily_returns(prices, as_of, lookback=N_DAYS))
    pca, pca_seconds = timed(lambda: estimate_pca_model(panel))
    fundamental, fundamental_seconds = timed(
        lambda: estimate_fundamental_model(panel, securities, benchmark)
    )
    print(f"daily_returns (panel, gaps, fills):        {returns_seconds:6.3f} s")
    print(f"estimate_pca_model (15 factors):           {pca_seconds:6.3f} s")
    print(
        f"estimate_fundamental_model ({fundamental.n_factors} factors):  "
        f"{fundamental_seconds:6.3f} s"
    )
    slowest = returns_seconds + max(pca_seconds, fundamental_seconds)
    print(
        f"returns + slower model:                    {slowest:6.3f} s "
        f"{verdict(slowest, ESTIMATION_TARGET_SECONDS)}"
    )

    weights = fleet_weights(rng, pca.vector(benchmark))
    fleet, fleet_seconds = timed(lambda: ex_ante_te_many(pca, weights, benchmark))
    sample = pd.Series(weights[0], index=pca.symbols)
    one, one_seconds = timed(lambda: ex_ante_te(pca, sample, benchmark))
    assert abs(one - fleet[0]) < 1e-12
    print(
        f"ex_ante_te_many ({N_ACCOUNTS:,} accounts):        {fleet_seconds:6.3f} s "
        f"{verdict(fleet_seconds, FLEET_TARGET_SECONDS)}"
    )
    print(
        f"  one account at a time would take ~{one_seconds * N_ACCOUNTS:.1f} s; fleet TE "
        f"median {np.median(fleet):.2%}, 95th percentile {np.percentile(fleet, 95):.2%}"
    )

    started = time.perf_counter()
    points = te_curve(pca, benchmark)
    curve_seconds = time.perf_counter() - started
    print(f"te_curve (sizes {', '.join(str(p.size) for p in points)}): {curve_seconds:6.3f} s")
    print("  names allowed  names held  lowest TE  seconds")
    for point in points:
        print(f"  {point.size:13d}  {point.n_held:10d}  {point.te:9.2%}  {point.seconds:7.2f}")


if __name__ == "__main__":
    main()
