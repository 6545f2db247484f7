"""Factor and ESG tilts, and the solver fallback."""

from __future__ import annotations

import dataclasses

import cvxpy as cp
import numpy as np
import pytest

from tools.optimizer import solve as solve_module
from tools.optimizer.errors import InfeasibleTEBudget
from tools.optimizer.inputs import OptimizationInput, Tilt
from tools.optimizer.optimize import optimize
from tools.optimizer.results import Trade
from tools.optimizer.synthetic import synthetic_input


@pytest.fixture(scope="module")
def account() -> OptimizationInput:
    return synthetic_input(
        n_securities=50, n_lots=250, n_factors=4, account_value=2e6, seed=8, te_budget=0.02
    )


def exposure(account: OptimizationInput, tilt: Tilt, weights: np.ndarray) -> float:
    return float(tilt.exposures @ (weights - account.benchmark_weights))


def weights_after(account: OptimizationInput, trades: list[Trade]) -> np.ndarray:
    """Post-trade weights, paying half the spread and the commission on every order."""
    shares = account.position_shares.copy()
    cash = account.cash
    for trade in trades:
        i = account.symbols.index(trade.symbol)
        signed = trade.quantity if trade.side == "buy" else -trade.quantity
        shares[i] += signed
        cash -= signed * trade.est_price + account.trading.half_spread * trade.value
        cash -= account.trading.commission_per_trade
    values = shares * account.prices
    return values / (values.sum() + cash)


def test_a_hard_esg_tilt_is_kept_within_its_tolerance(account: OptimizationInput) -> None:
    scores = np.random.default_rng(1).uniform(0, 100, account.n_securities)
    centered = scores - scores @ account.benchmark_weights
    tilt = Tilt("esg", centered, target=4.0, tolerance=0.5)
    assert abs(exposure(account, tilt, account.weights) - 4.0) > 0.5  # today it is off target
    result = optimize(dataclasses.replace(account, tilts=(tilt,)))
    after = exposure(account, tilt, weights_after(account, result.trades))
    assert after == pytest.approx(4.0, abs=0.5 + 1e-6)
    assert next(c for c in result.checks if c.name == "tilts").passed


def test_a_penalized_factor_tilt_moves_the_exposure_toward_its_target(
    account: OptimizationInput,
) -> None:
    tilt = Tilt("style", account.loadings[:, 1], target=0.05, penalty=0.5)
    before = exposure(account, tilt, account.weights)
    result = optimize(dataclasses.replace(account, tilts=(tilt,)))
    after = exposure(account, tilt, weights_after(account, result.trades))
    assert abs(after - 0.05) < abs(before - 0.05)


def test_an_unreachable_tilt_is_named_among_the_relaxations(account: OptimizationInput) -> None:
    tilt = Tilt("style", account.loadings[:, 1], target=0.5, tolerance=0.01)
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(dataclasses.replace(account, tilts=(tilt,)))
    names = {b.name for b in caught.value.binding}
    assert names & {"tilt_upper", "tilt_lower"}
    assert "tilts" in {r.constraint for r in caught.value.relaxations}


def test_a_failing_solver_falls_back_to_the_next(
    account: OptimizationInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = cp.Problem.solve

    def clarabel_breaks(problem: cp.Problem, *args: object, **kwargs: object) -> object:
        if kwargs.get("solver") == "CLARABEL":
            raise cp.error.SolverError("simulated failure")
        return original(problem, *args, **kwargs)

    monkeypatch.setattr(cp.Problem, "solve", clarabel_breaks)
    result = optimize(account, solvers=solve_module.DEFAULT_SOLVERS)
    assert result.timings.solver == "SCS"
    assert any("CLARABEL: error simulated failure" in note for note in result.notes)
    assert all(check.passed for check in result.checks)
