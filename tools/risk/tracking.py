"""Tracking error: ex ante from a factor model (with its attribution) and ex post from returns.

Weights are fractions of the portfolio's value by symbol. They need not sum to 1: the rest is
cash, riskless over the horizon, with a benchmark weight of 0. With active weights
``a = w - b``, the annualized ex-ante tracking error in factor form is

    TE = sqrt(a' B F B' a + a' D a)

which costs O(N K); no N x N covariance is built or inverted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.risk.model import PERIODS_PER_YEAR, FactorModel, RiskInputError

SPECIFIC = "specific"  # the by-factor entry holding specific (security-level) risk


@dataclass(frozen=True, eq=False)
class Attribution:
    """Euler decomposition of the tracking error: every breakdown sums to ``total``.

    The contribution of a position is ``a_i (Sigma a)_i / TE`` (its active weight times its
    marginal tracking error); of a factor, ``y_k (F y)_k / TE`` with ``y = B' a``, the
    specific part being ``a' D a / TE``.
    """

    total: float  # annualized tracking error (fraction)
    active_weights: pd.Series  # (N,) by symbol, model order
    by_security: pd.Series  # (N,) contribution by symbol, model order
    by_sector: pd.Series  # (S,) contribution by sector, largest first
    by_factor: pd.Series  # (K + 1,) contribution by factor name, then ``specific``


def ex_ante_te(model: FactorModel, weights: pd.Series, benchmark: pd.Series) -> float:
    """Annualized ex-ante tracking error of ``weights`` against ``benchmark`` (both by symbol)."""
    active = model.vector(weights) - model.vector(benchmark)
    return math.sqrt(active_variance(model, active))


def ex_ante_te_many(
    model: FactorModel, weights_matrix: pd.DataFrame | np.ndarray, benchmark: pd.Series
) -> np.ndarray:
    """(M,) tracking errors of M portfolios at once.

    ``weights_matrix`` is (M, N): a frame with symbol columns, or an array already in model
    order. Two matrix products cover the whole fleet.
    """
    active = model.matrix(weights_matrix) - model.vector(benchmark)  # (M, N)
    exposures = active @ model.loadings  # (M, K)
    factor_part = ((exposures @ model.factor_cov) * exposures).sum(axis=1)
    specific_part = (active**2) @ model.specific_var
    return np.sqrt(np.clip(factor_part + specific_part, 0.0, None))


def te_attribution(
    model: FactorModel,
    weights: pd.Series,
    benchmark: pd.Series,
    sectors: Mapping[str, str],
) -> Attribution:
    """Tracking error with contributions by security, by sector and by factor.

    ``sectors`` maps every symbol of the model that has an active weight to its sector.
    """
    active = model.vector(weights) - model.vector(benchmark)
    exposures = model.loadings.T @ active  # (K,)
    factor_marginal = model.factor_cov @ exposures  # (K,)
    covariance_times_active = model.loadings @ factor_marginal + model.specific_var * active
    total = math.sqrt(max(float(active @ covariance_times_active), 0.0))
    scale = 1.0 / total if total > 0 else 0.0
    symbols = list(model.symbols)
    by_security = pd.Series(active * covariance_times_active * scale, index=symbols)
    by_factor = pd.Series(
        [*(exposures * factor_marginal * scale), float(active**2 @ model.specific_var) * scale],
        index=[*model.factor_names, SPECIFIC],
    )
    held = [s for s, a in zip(symbols, active, strict=True) if a != 0.0]
    missing = sorted(s for s in held if s not in sectors)
    if missing:
        raise RiskInputError(f"no sector known for: {', '.join(missing)}")
    by_sector = (
        by_security[held].groupby([sectors[s] for s in held]).sum().sort_values(ascending=False)
        if held
        else pd.Series(dtype=float)
    )
    return Attribution(
        total=total,
        active_weights=pd.Series(active, index=symbols),
        by_security=by_security,
        by_sector=by_sector,
        by_factor=by_factor,
    )


def ex_post_te(
    portfolio_returns: pd.Series,
    benchmark_returns: pd.Series,
    window: int,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> float:
    """Annualized standard deviation of the last ``window`` daily active returns.

    The two series are aligned on their dates (days missing from either are skipped). When
    fewer than ``window`` common days exist the answer is NaN: a shorter sample would be
    reported under a window it does not cover.
    """
    if window < 2:
        raise RiskInputError("window must be at least 2 days")
    active = (portfolio_returns - benchmark_returns).dropna()
    if len(active) < window:
        return math.nan
    return float(active.iloc[-window:].std(ddof=1)) * math.sqrt(periods_per_year)


def active_variance(model: FactorModel, active: np.ndarray) -> float:
    """Annualized variance of an (N,) active-weight array in model order (factor form)."""
    exposures = model.loadings.T @ active
    factor_part = float(exposures @ model.factor_cov @ exposures)
    return max(factor_part + float(active**2 @ model.specific_var), 0.0)
