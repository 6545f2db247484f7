"""How low tracking error can go with N names: the "TE vs number of holdings" curve.

For each size N the curve holds the lowest tracking error found for a long-only, fully
invested portfolio of at most N benchmark constituents. Choosing the N names is a
cardinality constraint (non-convex), so the names come from a heuristic and only the weights
are optimized exactly:

1. **Start** twice: from the N largest benchmark weights, and from the names of the previous
   (smaller) size's answer topped up with the largest benchmark weights not yet held. The
   second start keeps the previous answer feasible, so the curve never rises with N; the
   first means the answer is never worse than simply holding the largest names.
2. **Optimize** the weights over those names, minimizing factor-form TE (a convex QP,
   cvxpy with Clarabel).
3. **Swap**: by the optimality (KKT) conditions of that QP, every held name with a positive
   weight has the same marginal TE ``nu`` (the budget constraint's multiplier). A name
   outside with a lower marginal TE would cut TE if it could be bought, so the names whose
   marginal TE is lowest replace the held names with the smallest weights, and the weights
   are re-optimized. A swap is kept only when TE falls; after a failed swap the batch is
   halved, until no swap helps.

The better of the two searches is the point on the curve.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import pandas as pd

from tools.risk.model import FactorModel, RiskInputError
from tools.risk.tracking import active_variance

DEFAULT_SIZES = (25, 50, 100, 200, 300, 400, 500)
_SOLVERS = (cp.CLARABEL, cp.SCS)  # Clarabel first; SCS only if Clarabel fails
_OBJECTIVE_SCALE = 1e4  # variance in (percent)^2: keeps the solver's tolerances meaningful
_HELD_WEIGHT = 1e-6  # weights below this count as not held
_MAX_SWAP_ROUNDS = 10
_IMPROVEMENT = 1e-9  # the least fall in TE^2 that counts as an improvement


class CurveSolveError(RuntimeError):
    """The weight optimization failed with every solver."""


@dataclass(frozen=True, eq=False)
class CurvePoint:
    size: int  # N: the most names the portfolio may hold
    n_held: int  # names actually held (weight >= 1e-6)
    te: float  # annualized tracking error of the portfolio found (fraction)
    weights: pd.Series  # (n_held,) portfolio weights by symbol, summing to 1
    seconds: float  # time spent on this size


def te_curve(
    model: FactorModel, benchmark: pd.Series, sizes: Iterable[int] = DEFAULT_SIZES
) -> list[CurvePoint]:
    """Lowest tracking error found for each size, smallest size first.

    Sizes above the number of benchmark constituents are capped at it (duplicates dropped).
    """
    bench = model.vector(benchmark)
    if (bench < 0).any() or not np.isclose(bench.sum(), 1.0, atol=1e-6):
        raise RiskInputError("benchmark weights must be non-negative and sum to 1")
    constituents = np.flatnonzero(bench > 0)
    by_weight = constituents[np.argsort(-bench[constituents], kind="stable")]
    capped = sorted({min(int(size), len(constituents)) for size in sizes})
    if not capped or capped[0] < 1:
        raise RiskInputError("curve sizes must be positive integers")
    points: list[CurvePoint] = []
    previous = np.zeros(0, dtype=np.intp)
    previous_weights = np.zeros(0)
    for size in capped:
        started = time.perf_counter()
        searches = [_swap_search(model, bench, constituents, by_weight[:size])]
        if previous.size:
            extended = _top_up(previous, by_weight, size)
            searches.append(_swap_search(model, bench, constituents, extended))
            searches.append((previous, previous_weights))
        chosen, weights = min(searches, key=lambda found: _te_squared(model, bench, *found))
        held = weights >= _HELD_WEIGHT
        chosen, weights = chosen[held], weights[held] / weights[held].sum()
        points.append(
            CurvePoint(
                size=size,
                n_held=int(chosen.size),
                te=float(np.sqrt(_te_squared(model, bench, chosen, weights))),
                weights=pd.Series(weights, index=[model.symbols[i] for i in chosen]),
                seconds=time.perf_counter() - started,
            )
        )
        previous, previous_weights = chosen, weights
    return points


def _top_up(held: np.ndarray, by_weight: np.ndarray, size: int) -> np.ndarray:
    """``held`` plus the largest-weight constituents not in it, ``size`` names in all."""
    extra = by_weight[~np.isin(by_weight, held)][: size - held.size]
    return np.concatenate([held, extra]).astype(np.intp)


def _swap_search(
    model: FactorModel, bench: np.ndarray, constituents: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    chosen = start
    weights = _optimal_weights(model, bench, chosen)
    best = _te_squared(model, bench, chosen, weights)
    batch = max(1, chosen.size // 5)
    for _ in range(_MAX_SWAP_ROUNDS):
        entering = _entering_names(model, bench, constituents, chosen, weights)[:batch]
        if entering.size == 0:
            break
        leaving = np.argsort(weights, kind="stable")[: entering.size]
        candidate = np.concatenate([np.delete(chosen, leaving), entering])
        candidate_weights = _optimal_weights(model, bench, candidate)
        candidate_te = _te_squared(model, bench, candidate, candidate_weights)
        if candidate_te < best - _IMPROVEMENT:
            chosen, weights, best = candidate, candidate_weights, candidate_te
        else:
            batch //= 2
            if batch == 0:
                break
    return chosen, weights


def _entering_names(
    model: FactorModel,
    bench: np.ndarray,
    constituents: np.ndarray,
    chosen: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Constituents outside ``chosen`` whose marginal TE is below the held names', best first."""
    active = _full_weights(model, chosen, weights) - bench
    marginal = model.loadings @ (model.factor_cov @ (model.loadings.T @ active))
    marginal += model.specific_var * active
    budget_multiplier = float(weights @ marginal[chosen])
    outside = constituents[~np.isin(constituents, chosen)]
    better = outside[marginal[outside] < budget_multiplier]
    return better[np.argsort(marginal[better], kind="stable")]


def min_te_portfolio(model: FactorModel, benchmark: pd.Series, names: Sequence[str]) -> pd.Series:
    """Long-only, fully invested weights over ``names`` with the lowest TE to ``benchmark``."""
    chosen = model.positions(names)
    if chosen.size == 0:
        raise RiskInputError("a portfolio needs at least one name")
    weights = _optimal_weights(model, model.vector(benchmark), chosen)
    return pd.Series(weights, index=list(names))


def _optimal_weights(model: FactorModel, bench: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Long-only, fully invested weights over ``chosen`` minimizing factor-form TE."""
    eigenvalues, eigenvectors = np.linalg.eigh(model.factor_cov)
    factor_root = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))  # F = G G'
    exposure_map = (model.loadings[chosen] @ factor_root).T  # (K, n)
    target = factor_root.T @ (model.loadings.T @ bench)  # (K,)
    specific_root = np.sqrt(model.specific_var[chosen])
    weights = cp.Variable(chosen.size, nonneg=True)
    objective = _OBJECTIVE_SCALE * (
        cp.sum_squares(exposure_map @ weights - target)
        + cp.sum_squares(cp.multiply(specific_root, weights - bench[chosen]))
    )
    problem = cp.Problem(cp.Minimize(objective), [cp.sum(weights) == 1])
    for solver in _SOLVERS:
        try:
            problem.solve(solver=solver)
        except cp.SolverError:
            continue
        if problem.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) and weights.value is not None:
            solved = np.clip(weights.value, 0.0, None)
            return solved / solved.sum()
    raise CurveSolveError(f"no solver found TE-minimizing weights (status {problem.status})")


def _full_weights(model: FactorModel, chosen: np.ndarray, weights: np.ndarray) -> np.ndarray:
    full = np.zeros(model.n_symbols)
    full[chosen] = weights
    return full


def _te_squared(
    model: FactorModel, bench: np.ndarray, chosen: np.ndarray, weights: np.ndarray
) -> float:
    return active_variance(model, _full_weights(model, chosen, weights) - bench)
