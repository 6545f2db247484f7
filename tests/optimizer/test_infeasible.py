"""Infeasible rules give typed errors that say what binds and what would help."""

from __future__ import annotations

import pytest

from tests.optimizer.instances import LotSpec, make_input, with_tax, with_trading
from tools.optimizer.errors import (
    InfeasibleConstraintsError,
    InfeasibleTEBudget,
    SolverFailedError,
)
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import optimize


def excluded_heavyweights() -> OptimizationInput:
    """S0 and S1 are 30% of the benchmark each and excluded: no trade can track it within 1%."""
    lots = [LotSpec(2, 100, 80.0), LotSpec(3, 250, 30.0), LotSpec(4, 200, 45.0)]
    inp = make_input(
        prices=[100.0, 100.0, 100.0, 40.0, 50.0],
        lots=lots,
        cash=20_000.0,
        benchmark=[0.3, 0.3, 0.15, 0.15, 0.1],
        excluded=[0, 1],
    )
    return with_trading(inp, te_budget=0.01, max_turnover=1.0, cash_max_fraction=0.05)


def test_exclusions_that_block_the_te_budget_raise_with_the_lowest_te() -> None:
    inp = excluded_heavyweights()
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(inp)
    error = caught.value
    assert error.lowest_te > inp.trading.te_budget
    assert "buy_blocked:excluded" in {b.name for b in error.binding}
    relaxations = {r.constraint: r for r in error.relaxations}
    assert relaxations["te_budget"].makes_feasible
    assert relaxations["te_budget"].achievable_te == pytest.approx(error.lowest_te)
    lifted = relaxations["buy_blocked:excluded"]
    assert lifted.makes_feasible and "S0" in lifted.change and "S1" in lifted.change
    assert error.as_dict()["error"] == "infeasible_te_budget"


def test_the_lowest_te_is_achievable_once_the_budget_allows_it() -> None:
    inp = excluded_heavyweights()
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(inp)
    relaxed = with_trading(inp, te_budget=caught.value.lowest_te * 1.02)
    result = optimize(relaxed)
    assert result.metrics.te_after <= relaxed.trading.te_budget
    assert all(check.passed for check in result.checks)
    assert not any(t.side == "buy" and t.symbol in ("S0", "S1") for t in result.trades)


def test_a_concentrated_gain_that_the_budget_cannot_absorb_names_the_gains_budget() -> None:
    lots = [LotSpec(0, 1_000, 10.0), LotSpec(1, 10, 40.0), LotSpec(2, 10, 40.0)]
    inp = make_input(prices=[100.0, 50.0, 50.0], benchmark=[0.2, 0.4, 0.4], lots=lots, cash=1_000.0)
    inp = with_tax(with_trading(inp, te_budget=0.05, max_turnover=1.0), gains_room_usd=5_000.0)
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(inp)
    names = {b.name for b in caught.value.binding}
    assert "gains_budget" in names
    gains = next(r for r in caught.value.relaxations if r.constraint == "gains_budget")
    assert gains.makes_feasible and "realizes $" in gains.change


def test_contradicting_limits_raise_with_the_limit_that_must_give() -> None:
    """All cash, at most 5% turnover, at most 2% cash: the cash cannot be invested."""
    inp = make_input(prices=[10.0, 20.0, 30.0], benchmark=[0.3, 0.3, 0.4], lots=[], cash=100_000.0)
    inp = with_trading(inp, te_budget=2.0, max_turnover=0.05)
    with pytest.raises(InfeasibleConstraintsError) as caught:
        optimize(inp)
    (violated,) = [v for v in caught.value.violated if v.name == "turnover"]
    assert violated.slack < 0 and "more turnover" in violated.detail


def test_no_usable_solver_is_a_typed_failure() -> None:
    with pytest.raises(SolverFailedError) as caught:
        optimize(excluded_heavyweights(), solvers=("NOT_A_SOLVER",))
    assert "is installed" in str(caught.value)
