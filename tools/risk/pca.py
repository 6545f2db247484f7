"""Statistical (principal-component) factor model.

The factors are the leading eigenvectors of the exponentially weighted sample covariance of
daily returns; whatever they leave unexplained is specific risk. No security data beyond
returns is needed, which makes it the default model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.linalg import eigh

from tools.risk.ewma import exponential_weights, imputed_note, specific_variances
from tools.risk.model import DEFAULT_SPECIFIC_FLOOR, PERIODS_PER_YEAR, FactorModel
from tools.risk.returns import ReturnsPanel, as_panel

DEFAULT_FACTORS = 15
DEFAULT_HALF_LIFE = 126.0  # trading days: half a year
MIN_SPECIFIC_OBSERVATIONS = 21  # a month of real returns before a name's own residual counts


def estimate_pca_model(
    returns: pd.DataFrame | ReturnsPanel,
    n_factors: int = DEFAULT_FACTORS,
    half_life: float = DEFAULT_HALF_LIFE,
    specific_floor: float = DEFAULT_SPECIFIC_FLOOR,
    *,
    min_observations: int = MIN_SPECIFIC_OBSERVATIONS,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> FactorModel:
    """Exponentially weighted PCA model, annualized with ``periods_per_year``.

    ``returns`` is a (T, N) frame of daily returns (NaN where a symbol was not trading) or a
    :class:`ReturnsPanel`. The number of factors is capped by the rank the data can support
    (N and T - 1); the cap, like every fill, is reported in the model's notes.
    """
    if n_factors < 1:
        raise ValueError("n_factors must be at least 1")
    panel = as_panel(returns)
    values = panel.filled.to_numpy(dtype=float)
    n_days, n_symbols = values.shape
    notes = list(panel.notes)
    day_weights = exponential_weights(n_days, half_life)
    centered = values - day_weights @ values
    scaled = centered * np.sqrt(day_weights)[:, None]
    sample_cov = scaled.T @ scaled  # (N, N) daily, weighted
    n_kept = min(n_factors, n_symbols, n_days - 1)
    if n_kept < n_factors:
        notes.append(f"PCA kept {n_kept} factors of the {n_factors} asked (limited by the data)")
    eigenvalues, eigenvectors = eigh(
        sample_cov, subset_by_index=[n_symbols - n_kept, n_symbols - 1]
    )
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    eigenvectors = _fix_signs(eigenvectors[:, order])
    residuals = centered - (centered @ eigenvectors) @ eigenvectors.T
    daily_specific, imputed = specific_variances(
        residuals, panel.observed.to_numpy(), day_weights, min_observations
    )
    notes.extend(imputed_note(panel.symbols, imputed, min_observations))
    return FactorModel(
        symbols=panel.symbols,
        loadings=eigenvectors,
        factor_cov=np.diag(eigenvalues * periods_per_year),
        specific_var=np.maximum(daily_specific * periods_per_year, specific_floor),
        factor_names=tuple(f"pc{i + 1}" for i in range(n_kept)),
        notes=tuple(notes),
    )


def _fix_signs(eigenvectors: np.ndarray) -> np.ndarray:
    """Orient each eigenvector so its loadings sum to a non-negative number (reproducible)."""
    signs = np.where(eigenvectors.sum(axis=0) < 0, -1.0, 1.0)
    return eigenvectors * signs
