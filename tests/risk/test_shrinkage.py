"""Ledoit-Wolf shrinkage: when it shrinks, how far, and that it beats the sample covariance."""

from __future__ import annotations

import numpy as np
import pytest

from tools.risk import ledoit_wolf, ledoit_wolf_covariance


def _frobenius(a: np.ndarray) -> float:
    return float(np.sqrt((a**2).sum()))


def test_identity_truth_is_shrunk_almost_fully_to_the_target() -> None:
    rng = np.random.default_rng(11)
    returns = rng.normal(0.0, 0.01, (60, 40))
    result = ledoit_wolf(returns)
    assert result.intensity > 0.8
    assert result.target_variance == pytest.approx(252 * 1e-4, rel=0.1)


def test_plenty_of_data_on_a_structured_truth_barely_shrinks() -> None:
    rng = np.random.default_rng(12)
    loadings = rng.normal(1.0, 0.5, 10)
    returns = np.outer(rng.normal(0, 0.02, 20000), loadings) + rng.normal(0, 0.002, (20000, 10))
    result = ledoit_wolf(returns)
    assert result.intensity < 0.01
    sample = 252 * np.cov(returns, rowvar=False, bias=True)
    np.testing.assert_allclose(result.covariance, sample, rtol=0.02, atol=1e-6)


def test_shrinkage_estimate_is_closer_to_the_truth_than_the_sample_covariance() -> None:
    rng = np.random.default_rng(13)
    true_cov = np.diag(rng.uniform(0.5, 2.0, 50)) * 1e-4
    returns = rng.multivariate_normal(np.zeros(50), true_cov, size=40)
    sample = 252 * np.cov(returns, rowvar=False, bias=True)
    shrunk = ledoit_wolf_covariance(returns)
    assert _frobenius(shrunk - 252 * true_cov) < 0.5 * _frobenius(sample - 252 * true_cov)
    assert np.linalg.eigvalsh(shrunk).min() > 0 >= np.linalg.eigvalsh(sample).min() - 1e-15


def test_exponential_weighting_follows_the_recent_regime() -> None:
    rng = np.random.default_rng(14)
    calm = rng.normal(0.0, 0.005, (500, 5))
    stormy = rng.normal(0.0, 0.02, (100, 5))
    returns = np.vstack([calm, stormy])
    equal = ledoit_wolf(returns).target_variance
    recent = ledoit_wolf(returns, half_life=20.0).target_variance
    assert recent == pytest.approx(252 * 0.02**2, rel=0.15)
    assert equal < 0.5 * recent
