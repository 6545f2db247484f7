"""Exponentially weighted moments shared by the estimators."""

from __future__ import annotations

import numpy as np

from tools.risk.model import RiskInputError

_MAX_NAMED = 20


def exponential_weights(n_days: int, half_life: float) -> np.ndarray:
    """(n_days,) weights summing to 1, newest day last; ``half_life`` days older counts half."""
    if half_life <= 0:
        raise RiskInputError("half_life must be positive")
    age = np.arange(n_days - 1, -1, -1, dtype=float)
    weights = np.exp2(-age / half_life)
    return weights / weights.sum()


def specific_variances(
    residuals: np.ndarray,
    observed: np.ndarray,
    day_weights: np.ndarray,
    min_observations: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Daily specific variance per security from residuals on observed days only.

    ``residuals`` and ``observed`` are (T, N); ``day_weights`` is (T,). A security observed on
    fewer than ``min_observations`` days gets the median variance of the well-observed ones
    (or of all, when none is). Returns the (N,) variances and an (N,) mask of the imputed ones.
    """
    mask = observed.astype(float) * day_weights[:, None]
    mass = mask.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (mask * residuals).sum(axis=0) / mass
        variance = (mask * (residuals - mean) ** 2).sum(axis=0) / mass
    imputed = observed.sum(axis=0) < min_observations
    trusted = variance[~imputed & np.isfinite(variance)]
    if trusted.size == 0:
        trusted = variance[np.isfinite(variance)]
    fallback = float(np.median(trusted)) if trusted.size else 0.0
    variance = np.where(imputed | ~np.isfinite(variance), fallback, variance)
    return variance, imputed


def imputed_note(symbols: tuple[str, ...], imputed: np.ndarray, min_observations: int) -> list[str]:
    """The model note naming the symbols whose specific variance was imputed (empty if none)."""
    if not imputed.any():
        return []
    names = [s for s, flag in zip(symbols, imputed, strict=True) if flag]
    shown = ", ".join(names[:_MAX_NAMED])
    more = f" and {len(names) - _MAX_NAMED} more" if len(names) > _MAX_NAMED else ""
    return [
        f"specific variance set to the universe median for {len(names)} symbols with fewer"
        f" than {min_observations} observed days: {shown}{more}"
    ]
