"""Ex-ante TE (single and fleet), attribution, and ex-post TE."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.risk.synthetic import make_market
from tools.risk import (
    FactorModel,
    RiskInputError,
    estimate_pca_model,
    ex_ante_te,
    ex_ante_te_many,
    ex_post_te,
    te_attribution,
)
from tools.risk.tracking import SPECIFIC

MARKET = make_market(n_symbols=40, n_days=500)
MODEL = estimate_pca_model(MARKET.returns, n_factors=6)
SECTORS = {s: sec.sector for s, sec in MARKET.securities.items()}


def _portfolio(seed: int, n_names: int = 15) -> pd.Series:
    rng = np.random.default_rng(seed)
    names = rng.choice(MARKET.benchmark.index, size=n_names, replace=False)
    weights = pd.Series(rng.uniform(0.5, 1.5, n_names), index=names)
    return weights / weights.sum()


def test_the_benchmark_itself_has_zero_tracking_error() -> None:
    assert ex_ante_te(MODEL, MARKET.benchmark, MARKET.benchmark) == 0.0
    attribution = te_attribution(MODEL, MARKET.benchmark, MARKET.benchmark, SECTORS)
    assert attribution.total == 0.0
    assert (attribution.by_security == 0.0).all()


def test_te_matches_the_dense_quadratic_form() -> None:
    weights = _portfolio(1)
    active = MODEL.vector(weights) - MODEL.vector(MARKET.benchmark)
    dense = math.sqrt(active @ MODEL.covariance() @ active)
    assert ex_ante_te(MODEL, weights, MARKET.benchmark) == pytest.approx(dense, rel=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.1, 10.0))
def test_te_scales_linearly_with_active_weights(seed: int, scale: float) -> None:
    weights = _portfolio(seed)
    active = weights.reindex(MARKET.benchmark.index, fill_value=0.0) - MARKET.benchmark
    scaled = MARKET.benchmark + scale * active
    assert ex_ante_te(MODEL, scaled, MARKET.benchmark) == pytest.approx(
        scale * ex_ante_te(MODEL, weights, MARKET.benchmark), rel=1e-9
    )


def test_doubling_active_weights_doubles_te() -> None:
    weights = _portfolio(2).reindex(MARKET.benchmark.index, fill_value=0.0)
    doubled = MARKET.benchmark + 2.0 * (weights - MARKET.benchmark)
    assert ex_ante_te(MODEL, doubled, MARKET.benchmark) == pytest.approx(
        2.0 * ex_ante_te(MODEL, weights, MARKET.benchmark), rel=1e-12
    )


def test_uninvested_weight_is_cash_and_carries_the_missing_market_risk() -> None:
    ninety_percent = 0.9 * MARKET.benchmark
    full_cov = MODEL.covariance()
    bench = MODEL.vector(MARKET.benchmark)
    expected = 0.1 * math.sqrt(bench @ full_cov @ bench)
    assert ex_ante_te(MODEL, ninety_percent, MARKET.benchmark) == pytest.approx(expected)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), n_names=st.integers(1, 40))
def test_attribution_sums_to_the_total_by_security_sector_and_factor(
    seed: int, n_names: int
) -> None:
    weights = _portfolio(seed, n_names)
    attribution = te_attribution(MODEL, weights, MARKET.benchmark, SECTORS)
    assert attribution.total == pytest.approx(ex_ante_te(MODEL, weights, MARKET.benchmark))
    assert attribution.by_security.sum() == pytest.approx(attribution.total, rel=1e-9)
    assert attribution.by_sector.sum() == pytest.approx(attribution.total, rel=1e-9)
    assert attribution.by_factor.sum() == pytest.approx(attribution.total, rel=1e-9)
    assert list(attribution.by_factor.index) == [*MODEL.factor_names, SPECIFIC]


def test_attribution_puts_a_lone_specific_bet_on_that_security_and_its_sector() -> None:
    model = FactorModel(
        symbols=("A", "B"),
        loadings=np.array([[1.0], [1.0]]),
        factor_cov=np.array([[0.04]]),
        specific_var=np.array([0.09, 0.01]),
        factor_names=("market",),
    )
    bench = pd.Series({"A": 0.5, "B": 0.5})
    weights = pd.Series({"A": 0.6, "B": 0.4})
    attribution = te_attribution(model, weights, bench, {"A": "Tech", "B": "Energy"})
    assert attribution.total == pytest.approx(math.sqrt(0.01 * 0.09 + 0.01 * 0.01))
    assert attribution.by_factor["market"] == pytest.approx(0.0, abs=1e-15)
    assert attribution.by_security["A"] == pytest.approx(0.9 * attribution.total)
    assert attribution.by_sector.index[0] == "Tech"


def test_attribution_needs_the_sector_of_every_active_position() -> None:
    sectors = dict(SECTORS)
    weights = _portfolio(3)
    del sectors[weights.index[0]]
    with pytest.raises(RiskInputError, match=weights.index[0]):
        te_attribution(MODEL, weights, MARKET.benchmark, sectors)


def test_fleet_te_matches_one_at_a_time() -> None:
    portfolios = pd.DataFrame([_portfolio(seed) for seed in range(25)]).fillna(0.0)
    fleet = ex_ante_te_many(MODEL, portfolios, MARKET.benchmark)
    single = [ex_ante_te(MODEL, row, MARKET.benchmark) for _, row in portfolios.iterrows()]
    np.testing.assert_allclose(fleet, single, rtol=1e-12)
    aligned = MODEL.matrix(portfolios)
    np.testing.assert_allclose(ex_ante_te_many(MODEL, aligned, MARKET.benchmark), fleet)


def test_unknown_symbols_are_refused_rather_than_dropped() -> None:
    with pytest.raises(RiskInputError, match="NOPE"):
        ex_ante_te(MODEL, pd.Series({"NOPE": 1.0}), MARKET.benchmark)


def _simulated_returns(te: float, n_days: int, seed: int) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2023-01-02", periods=n_days)
    benchmark = pd.Series(rng.normal(0.0003, 0.01, n_days), index=dates)
    active = rng.normal(0.0, te / math.sqrt(252), n_days)
    return benchmark + active, benchmark


@pytest.mark.parametrize("window", [63, 252])
def test_ex_post_te_recovers_a_known_tracking_error(window: int) -> None:
    # The sample standard deviation of n normal draws has relative standard error
    # ~1/sqrt(2(n-1)): 9% for 63 days, 4.5% for 252. Averaged over 400 independent paths the
    # error of the mean is 20x smaller (< 0.5%), so a 2% tolerance is over 4 standard errors
    # (the estimator's own downward bias, 1/(4n), is under 0.4%).
    true_te = 0.02
    estimates = [
        ex_post_te(*_simulated_returns(true_te, window, seed), window=window) for seed in range(400)
    ]
    assert np.mean(estimates) == pytest.approx(true_te, rel=0.02)
    single_path_bound = 4.0 / math.sqrt(2 * (window - 1))
    assert estimates[0] == pytest.approx(true_te, rel=single_path_bound)


def test_ex_post_te_uses_the_last_window_of_common_days_only() -> None:
    portfolio, benchmark = _simulated_returns(0.05, 300, seed=1)
    portfolio.iloc[:200] = portfolio.iloc[:200] + 0.05  # old, wild days outside the window
    recent = ex_post_te(portfolio, benchmark, window=63)
    expected = (portfolio - benchmark).iloc[-63:].std(ddof=1) * math.sqrt(252)
    assert recent == pytest.approx(expected)
    assert math.isnan(ex_post_te(portfolio.iloc[-50:], benchmark, window=63))
