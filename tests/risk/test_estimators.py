"""PCA and fundamental estimators: what they reproduce, and PSD whatever the input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.risk.synthetic import SECTORS, make_market
from tools.models import Security
from tools.risk import (
    FactorModel,
    RiskInputError,
    daily_returns,
    estimate_fundamental_model,
    estimate_pca_model,
    ex_ante_te,
)
from tools.risk.ewma import exponential_weights

HALF_LIFE = 60.0


def _weighted_sample_cov(returns: pd.DataFrame, half_life: float) -> np.ndarray:
    """Annualized exponentially weighted covariance, computed independently of the estimator."""
    values = returns.to_numpy()
    weights = 0.5 ** (np.arange(len(values))[::-1] / half_life)
    weights /= weights.sum()
    deviations = values - weights @ values
    return 252 * np.einsum("t,ti,tj->ij", weights, deviations, deviations)


def _tilted(benchmark: pd.Series, n_dropped: int) -> pd.Series:
    weights = benchmark.copy()
    weights.iloc[:n_dropped] = 0.0
    return weights / weights.sum()


def test_exponential_weights_halve_every_half_life_and_sum_to_one() -> None:
    weights = exponential_weights(300, 100.0)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[-101] == pytest.approx(weights[-1] / 2.0)


def test_pca_with_every_factor_reproduces_the_weighted_sample_covariance() -> None:
    market = make_market(n_symbols=20, n_days=300)
    model = estimate_pca_model(
        market.returns, n_factors=20, half_life=HALF_LIFE, specific_floor=1e-12
    )
    np.testing.assert_allclose(
        model.covariance(),
        _weighted_sample_cov(market.returns, HALF_LIFE),
        rtol=1e-8,
        atol=1e-10,
    )


def test_factor_form_te_agrees_with_full_sample_covariance_te() -> None:
    # Tolerance: with 15 of 60 principal components kept, the discarded components are
    # absorbed into a diagonal; the synthetic market has 9 true factors, so what is lost is
    # the noise in the small eigenvalues. 5% relative agreement on TE is the stated bound.
    market = make_market(n_symbols=60, n_days=750)
    model = estimate_pca_model(market.returns, n_factors=15, half_life=HALF_LIFE)
    full = _weighted_sample_cov(market.returns, HALF_LIFE)
    for n_dropped in (5, 15, 30):
        weights = _tilted(market.benchmark, n_dropped)
        active = (weights - market.benchmark).to_numpy()
        assert ex_ante_te(model, weights, market.benchmark) == pytest.approx(
            np.sqrt(active @ full @ active), rel=0.05
        )


@pytest.mark.parametrize("estimator", ["pca", "fundamental"])
def test_models_recover_the_te_of_the_true_covariance(estimator: str) -> None:
    # 750 days of the true model: TE estimates from either model land within 15% of the TE
    # computed from the covariance the returns were drawn from.
    market = make_market(n_symbols=60, n_days=750)
    if estimator == "pca":
        model = estimate_pca_model(market.returns, n_factors=10, half_life=250.0)
    else:
        model = estimate_fundamental_model(
            market.returns, market.securities, market.benchmark, half_life=250.0
        )
    for n_dropped in (10, 30):
        weights = _tilted(market.benchmark, n_dropped)
        active = (weights - market.benchmark).to_numpy()
        true_te = np.sqrt(252 * active @ market.true_cov @ active)
        assert ex_ante_te(model, weights, market.benchmark) == pytest.approx(true_te, rel=0.15)


def test_pca_caps_factors_at_what_the_data_supports_and_says_so() -> None:
    market = make_market(n_symbols=8, n_days=5)
    model = estimate_pca_model(market.returns, n_factors=15)
    assert model.n_factors == 4
    assert any("kept 4 factors of the 15" in note for note in model.notes)


def test_pca_is_annualized_with_252_days() -> None:
    rng = np.random.default_rng(3)
    common = rng.normal(0.0, 0.01, 2000)
    returns = pd.DataFrame({"A": common, "B": common + rng.normal(0.0, 0.001, 2000)})
    model = estimate_pca_model(returns, n_factors=2, half_life=1e9, specific_floor=0.0)
    assert model.covariance()[0, 0] == pytest.approx(252 * common.var(), rel=1e-3)


def test_fundamental_model_has_sector_and_style_factors_neutral_for_the_benchmark() -> None:
    market = make_market(n_symbols=60, n_days=400)
    model = estimate_fundamental_model(market.returns, market.securities, market.benchmark)
    sectors = [name for name in model.factor_names if name.startswith("sector:")]
    assert sectors == [f"sector:{s}" for s in SECTORS]
    assert {"style:size", "style:momentum", "style:volatility", "style:beta"} <= set(
        model.factor_names
    )
    bench = model.vector(market.benchmark)
    exposures = pd.Series(model.loadings.T @ bench, index=model.factor_names)
    styles = exposures[[n for n in model.factor_names if n.startswith("style:")]]
    # Winsorizing at +/-3 can move the benchmark-weighted mean a little off zero.
    assert np.abs(styles).max() < 0.05
    assert exposures[sectors].sum() == pytest.approx(1.0)


def test_fundamental_model_neutralizes_styles_a_short_history_cannot_measure() -> None:
    market = make_market(n_symbols=30, n_days=300)
    returns = market.returns.copy()
    returns.iloc[:-30, 0] = np.nan  # listed 30 days ago: too short for momentum and beta
    model = estimate_fundamental_model(returns, market.securities, market.benchmark)
    momentum = model.factor_names.index("style:momentum")
    assert model.loadings[0, momentum] == 0.0
    assert any("style momentum set neutral (0) for 1 symbols: S000" in n for n in model.notes)


def test_fundamental_model_names_symbols_without_a_securities_row() -> None:
    market = make_market(n_symbols=10, n_days=50)
    securities = dict(market.securities)
    del securities["S003"]
    with pytest.raises(RiskInputError, match="S003"):
        estimate_fundamental_model(market.returns, securities)


def _is_psd(model: FactorModel, floor: float) -> None:
    assert np.linalg.eigvalsh(model.factor_cov).min() >= -1e-12
    assert (model.specific_var >= floor).all()
    assert np.linalg.eigvalsh(model.covariance()).min() >= floor * (1 - 1e-9)


@st.composite
def _gappy_prices(draw: st.DrawFn) -> pd.DataFrame:
    n_symbols = draw(st.integers(2, 9))
    n_days = draw(st.integers(3, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([1e-4, 0.01, 0.2]))
    returns = rng.normal(0.0, scale, (n_days, n_symbols)).clip(-0.9, None)
    prices = 100.0 * np.cumprod(1.0 + returns, axis=0)
    prices[rng.random(prices.shape) < draw(st.sampled_from([0.0, 0.1, 0.4]))] = np.nan
    for column in range(n_symbols):
        listed = draw(st.integers(0, n_days - 1))  # new listings, including one-price names
        prices[:listed, column] = np.nan
    frame = pd.DataFrame(
        prices,
        index=pd.bdate_range("2024-01-01", periods=n_days),
        columns=[f"X{i}" for i in range(n_symbols)],
    )
    if frame.dropna(how="all").shape[0] < 3:
        frame.iloc[:3, 0] = [100.0, 101.0, 100.5]
    return frame


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(prices=_gappy_prices())
def test_models_are_positive_semidefinite_for_any_history(prices: pd.DataFrame) -> None:
    panel = daily_returns(prices, prices.index[-1])
    floor = 1e-4
    _is_psd(estimate_pca_model(panel, n_factors=3, specific_floor=floor), floor)
    securities = {
        symbol: Security(symbol=symbol, name=symbol, sector=SECTORS[i % 2], industry="x")
        for i, symbol in enumerate(panel.symbols)
    }
    fundamental = estimate_fundamental_model(panel, securities, specific_floor=floor)
    _is_psd(fundamental, floor)
