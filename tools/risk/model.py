"""The factor risk model every tracking-error computation reads.

Covariance of security returns is ``B F B' + diag(D)``: loadings ``B`` (N x K), factor
covariance ``F`` (K x K) and specific variances ``D`` (N). Keeping the factor form lets a
tracking error cost O(N K) instead of O(N^2), and no N x N matrix is ever built or inverted
outside :meth:`FactorModel.covariance` (meant for small universes and tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PERIODS_PER_YEAR = 252  # trading days used to annualize daily moments
# Annualized specific variance below which no estimate is trusted: (1% volatility)^2. It keeps
# the covariance positive definite when K approaches N or a name has hardly any history.
DEFAULT_SPECIFIC_FLOOR = 1e-4
_SYMMETRY_TOLERANCE = 1e-10


class RiskInputError(ValueError):
    """Inputs the risk tools cannot use (unknown symbols, misshaped arrays, empty histories)."""


def _frozen_copy(values: np.ndarray) -> np.ndarray:
    copied = np.array(values, dtype=float, copy=True)
    copied.setflags(write=False)
    return copied


@dataclass(frozen=True, eq=False)
class FactorModel:
    """An annualized factor covariance model over a fixed, ordered universe of symbols."""

    symbols: tuple[str, ...]  # (N,) universe, in the order of every per-security array
    loadings: np.ndarray  # (N, K) exposure of each security to each factor
    factor_cov: np.ndarray  # (K, K) annualized factor covariance, symmetric PSD
    specific_var: np.ndarray  # (N,) annualized specific variance, >= the estimator's floor
    factor_names: tuple[str, ...]  # (K,) names of the loadings' columns
    notes: tuple[str, ...] = ()  # what the estimator did: short histories, filled days, caps
    _positions: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        symbols = tuple(self.symbols)
        n_symbols, n_factors = len(symbols), len(self.factor_names)
        if len(set(symbols)) != n_symbols:
            raise RiskInputError("FactorModel symbols must be unique")
        loadings = _frozen_copy(self.loadings).reshape(n_symbols, n_factors)
        factor_cov = _frozen_copy(self.factor_cov).reshape(n_factors, n_factors)
        specific_var = _frozen_copy(self.specific_var).reshape(n_symbols)
        arrays = (loadings, factor_cov, specific_var)
        if not all(np.isfinite(values).all() for values in arrays):
            raise RiskInputError("FactorModel arrays must be finite")
        if not np.allclose(factor_cov, factor_cov.T, atol=_SYMMETRY_TOLERANCE, rtol=0.0):
            raise RiskInputError("FactorModel factor_cov must be symmetric")
        if (specific_var < 0).any():
            raise RiskInputError("FactorModel specific variances must be non-negative")
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "factor_names", tuple(self.factor_names))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "loadings", loadings)
        object.__setattr__(self, "factor_cov", factor_cov)
        object.__setattr__(self, "specific_var", specific_var)
        object.__setattr__(self, "_positions", {s: i for i, s in enumerate(symbols)})

    @property
    def n_symbols(self) -> int:
        return len(self.symbols)

    @property
    def n_factors(self) -> int:
        return len(self.factor_names)

    def covariance(self) -> np.ndarray:
        """Dense (N, N) annualized covariance ``B F B' + diag(D)``: small universes and tests."""
        dense = self.loadings @ self.factor_cov @ self.loadings.T
        dense[np.diag_indices_from(dense)] += self.specific_var
        return dense

    def positions(self, symbols: Iterable[str]) -> np.ndarray:
        """Row index of each symbol; raises :class:`RiskInputError` naming unknown symbols."""
        wanted = list(symbols)
        unknown = [s for s in wanted if s not in self._positions]
        if unknown:
            raise RiskInputError(f"symbols not in the risk model: {', '.join(sorted(unknown))}")
        return np.fromiter((self._positions[s] for s in wanted), dtype=np.intp, count=len(wanted))

    def subset(self, symbols: Iterable[str]) -> FactorModel:
        """The same factors restricted to ``symbols``, in the order given."""
        chosen = list(symbols)
        rows = self.positions(chosen)
        return FactorModel(
            symbols=tuple(chosen),
            loadings=self.loadings[rows],
            factor_cov=self.factor_cov,
            specific_var=self.specific_var[rows],
            factor_names=self.factor_names,
            notes=self.notes,
        )

    def vector(self, weights: pd.Series) -> np.ndarray:
        """``weights`` (by symbol) as an (N,) array in model order; absent symbols are 0.

        Symbols outside the model raise, whatever their weight: silently dropping a holding
        would understate risk.
        """
        aligned = np.zeros(self.n_symbols)
        if weights.empty:
            return aligned
        if weights.index.has_duplicates:
            duplicated = sorted(set(weights.index[weights.index.duplicated()]))
            raise RiskInputError(f"weights list a symbol twice: {', '.join(duplicated)}")
        values = weights.to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise RiskInputError("weights must be finite numbers")
        aligned[self.positions(weights.index)] = values
        return aligned

    def matrix(self, weights: pd.DataFrame | np.ndarray) -> np.ndarray:
        """(M, N) weights in model order: a frame with symbol columns, or an aligned array."""
        if isinstance(weights, pd.DataFrame):
            aligned = np.zeros((len(weights), self.n_symbols))
            if weights.columns.has_duplicates:
                raise RiskInputError("weight columns list a symbol twice")
            aligned[:, self.positions(weights.columns)] = weights.to_numpy(dtype=float)
        else:
            aligned = np.asarray(weights, dtype=float)
            if aligned.ndim != 2 or aligned.shape[1] != self.n_symbols:
                raise RiskInputError(
                    f"weights matrix must be (M, {self.n_symbols}); got {aligned.shape}"
                )
        if not np.isfinite(aligned).all():
            raise RiskInputError("weights must be finite numbers")
        return aligned
