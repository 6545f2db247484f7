"""Fundamental factor model: sector membership plus style characteristics.

Exposures are measured once, at the end of the window, and held fixed over it (a common
simplification for a one-to-five-year window; commercial models re-measure them daily):

* one 0/1 dummy per sector (no intercept: the sectors together carry the market);
* ``size``: log benchmark weight, a market-value proxy (names outside the benchmark: neutral);
* ``momentum``: log return from 252 to 21 trading days back (the "12-1" convention);
* ``volatility``: standard deviation of the last 126 daily returns;
* ``beta``: slope of the last 252 daily returns on the benchmark's return.

Styles are standardized to a benchmark-weighted mean of 0 (so the benchmark carries no style
tilt) and unit cross-sectional standard deviation, then winsorized at +/-3. A name with too
little history for a style gets 0 there (neutral) and a note.

Factor returns come from one least-squares cross-sectional regression per day over the
names observed that day; their covariance is Ledoit-Wolf shrunk (``tools.risk.shrinkage``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tools.models import Security
from tools.risk.ewma import exponential_weights, imputed_note, specific_variances
from tools.risk.model import (
    DEFAULT_SPECIFIC_FLOOR,
    PERIODS_PER_YEAR,
    FactorModel,
    RiskInputError,
)
from tools.risk.pca import DEFAULT_HALF_LIFE, MIN_SPECIFIC_OBSERVATIONS
from tools.risk.returns import ReturnsPanel, as_panel
from tools.risk.shrinkage import ledoit_wolf

MOMENTUM_SPAN = (252, 21)  # from this many days back to this many days back
MOMENTUM_MIN_DAYS = 126
VOLATILITY_SPAN = 126
VOLATILITY_MIN_DAYS = 21
BETA_SPAN = 252
BETA_MIN_DAYS = 63
WINSOR_LIMIT = 3.0
SECTOR_PREFIX = "sector:"
STYLE_PREFIX = "style:"


def estimate_fundamental_model(
    returns: pd.DataFrame | ReturnsPanel,
    securities: Mapping[str, Security],
    benchmark_weights: pd.Series | None = None,
    *,
    half_life: float = DEFAULT_HALF_LIFE,
    specific_floor: float = DEFAULT_SPECIFIC_FLOOR,
    min_observations: int = MIN_SPECIFIC_OBSERVATIONS,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> FactorModel:
    """Sector + style model of ``returns`` (T x N), annualized with ``periods_per_year``.

    ``securities`` gives each symbol's sector; ``benchmark_weights`` (by symbol) give size and
    the market return for beta (equal weights when omitted, and then no size factor).
    """
    panel = as_panel(returns)
    symbols = panel.symbols
    unknown = [s for s in symbols if s not in securities]
    if unknown:
        raise RiskInputError(f"symbols without a securities row: {', '.join(sorted(unknown))}")
    notes = list(panel.notes)
    observed = panel.observed.to_numpy()
    raw = panel.returns.to_numpy(dtype=float)
    filled = panel.filled.to_numpy(dtype=float)
    bench = _benchmark_vector(symbols, benchmark_weights)

    sector_names, sector_exposures = _sector_dummies(symbols, securities)
    styles = _style_characteristics(raw, observed, filled, bench, benchmark_weights is not None)
    style_names, style_exposures, style_notes = _standardize(styles, symbols, bench)
    notes.extend(style_notes)
    members = sector_exposures.sum(axis=0)
    lonely = [name for name, count in zip(sector_names, members, strict=True) if count == 1]
    if lonely:
        notes.append(
            "sectors with a single member put all of its return in the sector factor (its"
            f" specific risk is at the floor): {', '.join(lonely)}"
        )

    exposures = np.hstack([sector_exposures, style_exposures])  # (N, K)
    factor_returns = _cross_sectional_regressions(filled, observed, exposures)  # (T, K)
    residuals = filled - factor_returns @ exposures.T
    day_weights = exponential_weights(len(filled), half_life)
    daily_specific, imputed = specific_variances(residuals, observed, day_weights, min_observations)
    notes.extend(imputed_note(symbols, imputed, min_observations))
    factor_cov = ledoit_wolf(factor_returns, half_life, periods_per_year).covariance
    return FactorModel(
        symbols=symbols,
        loadings=exposures,
        factor_cov=(factor_cov + factor_cov.T) / 2.0,
        specific_var=np.maximum(daily_specific * periods_per_year, specific_floor),
        factor_names=tuple(SECTOR_PREFIX + s for s in sector_names)
        + tuple(STYLE_PREFIX + s for s in style_names),
        notes=tuple(notes),
    )


def _benchmark_vector(symbols: tuple[str, ...], weights: pd.Series | None) -> np.ndarray:
    """(N,) benchmark weights over ``symbols`` summing to 1 (equal weights when none apply)."""
    if weights is not None:
        vector = weights.reindex(list(symbols)).fillna(0.0).to_numpy(dtype=float)
        vector = np.clip(vector, 0.0, None)
        if vector.sum() > 0:
            return vector / vector.sum()
    return np.full(len(symbols), 1.0 / len(symbols))


def _sector_dummies(
    symbols: tuple[str, ...], securities: Mapping[str, Security]
) -> tuple[list[str], np.ndarray]:
    sectors = [securities[s].sector for s in symbols]
    names = sorted(set(sectors))
    column = {name: j for j, name in enumerate(names)}
    dummies = np.zeros((len(symbols), len(names)))
    dummies[np.arange(len(symbols)), [column[s] for s in sectors]] = 1.0
    return names, dummies


def _style_characteristics(
    raw: np.ndarray,
    observed: np.ndarray,
    filled: np.ndarray,
    bench: np.ndarray,
    has_benchmark: bool,
) -> dict[str, np.ndarray]:
    """Raw style values per name, NaN where the name lacks the history to measure one."""
    styles: dict[str, np.ndarray] = {}
    if has_benchmark:
        styles["size"] = np.where(bench > 0, np.log(np.where(bench > 0, bench, 1.0)), np.nan)
    start, stop = MOMENTUM_SPAN
    window = slice(-start, -stop)
    momentum_days = observed[window].sum(axis=0)
    styles["momentum"] = np.where(
        momentum_days >= MOMENTUM_MIN_DAYS,
        np.nansum(np.log1p(np.where(observed[window], raw[window], 0.0)), axis=0),
        np.nan,
    )
    recent = slice(-VOLATILITY_SPAN, None)
    styles["volatility"] = np.where(
        observed[recent].sum(axis=0) >= VOLATILITY_MIN_DAYS,
        _masked_std(raw[recent], observed[recent]),
        np.nan,
    )
    beta_window = slice(-BETA_SPAN, None)
    market = filled[beta_window] @ bench
    styles["beta"] = np.where(
        observed[beta_window].sum(axis=0) >= BETA_MIN_DAYS,
        _masked_beta(raw[beta_window], observed[beta_window], market),
        np.nan,
    )
    return styles


def _masked_std(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    count = mask.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, values, 0.0).sum(axis=0) / count
        deviations = np.where(mask, values - mean, 0.0)
        return np.sqrt((deviations**2).sum(axis=0) / (count - 1))


def _masked_beta(values: np.ndarray, mask: np.ndarray, market: np.ndarray) -> np.ndarray:
    """Per-column OLS slope of ``values`` on ``market`` over the column's observed days."""
    count = mask.sum(axis=0)
    market_by_cell = np.where(mask, market[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        market_mean = market_by_cell.sum(axis=0) / count
        value_mean = np.where(mask, values, 0.0).sum(axis=0) / count
        market_dev = np.where(mask, market[:, None] - market_mean, 0.0)
        value_dev = np.where(mask, values - value_mean, 0.0)
        return (market_dev * value_dev).sum(axis=0) / (market_dev**2).sum(axis=0)


def _standardize(
    styles: dict[str, np.ndarray], symbols: tuple[str, ...], bench: np.ndarray
) -> tuple[list[str], np.ndarray, list[str]]:
    """Benchmark-weighted z-scores, winsorized; constant styles are dropped (with a note)."""
    names: list[str] = []
    columns: list[np.ndarray] = []
    notes: list[str] = []
    for name, values in styles.items():
        measured = np.isfinite(values)
        if measured.sum() < 2 or np.ptp(values[measured]) == 0.0:
            notes.append(f"style {name} dropped: it does not vary across the universe")
            continue
        mass = bench[measured].sum()
        centre = (
            float(bench[measured] @ values[measured]) / mass
            if mass > 0
            else float(values[measured].mean())
        )
        spread = float(values[measured].std())
        scores = np.clip((values - centre) / spread, -WINSOR_LIMIT, WINSOR_LIMIT)
        names.append(name)
        columns.append(np.where(measured, scores, 0.0))
        if not measured.all():
            missing = [s for s, ok in zip(symbols, measured, strict=True) if not ok]
            shown = ", ".join(missing[:20]) + (
                f" and {len(missing) - 20} more" if len(missing) > 20 else ""
            )
            notes.append(f"style {name} set neutral (0) for {len(missing)} symbols: {shown}")
    exposures = np.column_stack(columns) if columns else np.zeros((len(symbols), 0))
    return names, exposures, notes


def _cross_sectional_regressions(
    returns: np.ndarray, observed: np.ndarray, exposures: np.ndarray
) -> np.ndarray:
    """(T, K) factor returns: day t regresses that day's observed returns on ``exposures``.

    All days are solved at once: the (K, K) normal matrices of every day come from one matrix
    product, and the pseudo-inverse gives the minimum-norm answer when a day leaves a factor
    unidentified (a sector with no observed member).
    """
    n_symbols, n_factors = exposures.shape
    mask = observed.astype(float)
    outer = (exposures[:, :, None] * exposures[:, None, :]).reshape(n_symbols, -1)
    normal = (mask @ outer).reshape(-1, n_factors, n_factors)  # (T, K, K)
    moments = (mask * returns) @ exposures  # (T, K)
    return np.einsum("tkl,tl->tk", np.linalg.pinv(normal, hermitian=True), moments)
