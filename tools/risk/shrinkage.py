"""Ledoit-Wolf shrinkage of a sample covariance towards a scaled identity.

O. Ledoit and M. Wolf, "A well-conditioned estimator for large-dimensional covariance
matrices", Journal of Multivariate Analysis 88 (2004) 365-411, the estimator S* of its
section 3:

    S* = (b2 / d2) m I + (a2 / d2) S,   m = <S, I>,  d2 = ||S - m I||^2,
    b2 = min(bbar2, d2),  bbar2 = sum_t ||x_t x_t' - S||^2 / T^2,  a2 = d2 - b2,

with the normalized Frobenius norm ||A||^2 = tr(A A') / N. With exponential day weights
``w_t`` (summing to 1) the sample covariance is ``sum_t w_t x_t x_t'`` and the variance of
that weighted mean replaces ``1 / T^2`` by ``w_t^2``; equal weights give the paper exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.risk.ewma import exponential_weights
from tools.risk.model import PERIODS_PER_YEAR
from tools.risk.returns import ReturnsPanel, as_panel


@dataclass(frozen=True, eq=False)
class Shrinkage:
    covariance: np.ndarray  # (N, N) shrunk covariance, annualized
    intensity: float  # b2 / d2 in [0, 1]: the weight on the scaled identity target
    target_variance: float  # m, annualized: the average variance the target assumes


def ledoit_wolf(
    returns: pd.DataFrame | ReturnsPanel | np.ndarray,
    half_life: float | None = None,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> Shrinkage:
    """Shrink the (optionally exponentially weighted) sample covariance of ``returns``."""
    if isinstance(returns, np.ndarray):
        values = np.asarray(returns, dtype=float)
    else:
        values = as_panel(returns).filled.to_numpy(dtype=float)
    n_days, n_series = values.shape
    if half_life is None:
        day_weights = np.full(n_days, 1.0 / n_days)
    else:
        day_weights = exponential_weights(n_days, half_life)
    centered = values - day_weights @ values
    sample = (centered * day_weights[:, None]).T @ centered
    target = np.trace(sample) / n_series
    dispersion = sample.copy()
    dispersion[np.diag_indices_from(dispersion)] -= target
    d2 = float((dispersion**2).sum()) / n_series
    if d2 <= 0.0:
        return Shrinkage(sample * periods_per_year, 1.0, target * periods_per_year)
    # sum_t w_t^2 ||x_t x_t' - S||^2 expands to
    # sum_t w_t^2 (||x_t||^4 - 2 x_t' S x_t + ||S||^2), avoiding T outer products.
    squared_norms = (centered**2).sum(axis=1)
    quadratic = ((centered @ sample) * centered).sum(axis=1)
    squared_day_weights = day_weights**2
    bbar2 = (
        float(
            squared_day_weights @ (squared_norms**2 - 2.0 * quadratic)
            + squared_day_weights.sum() * (sample**2).sum()
        )
        / n_series
    )
    b2 = min(max(bbar2, 0.0), d2)
    intensity = b2 / d2
    shrunk = (1.0 - intensity) * sample
    shrunk[np.diag_indices_from(shrunk)] += intensity * target
    return Shrinkage(shrunk * periods_per_year, intensity, target * periods_per_year)


def ledoit_wolf_covariance(
    returns: pd.DataFrame | ReturnsPanel | np.ndarray,
    half_life: float | None = None,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> np.ndarray:
    """(N, N) annualized Ledoit-Wolf covariance of ``returns`` (see :func:`ledoit_wolf`)."""
    return ledoit_wolf(returns, half_life, periods_per_year).covariance
