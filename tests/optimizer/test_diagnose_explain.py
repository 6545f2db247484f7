"""A diagnosis without explanations keeps the lowest TE and what binds, and skips the
relaxation solves; an account above its budget is checked against its lowest TE first."""

from __future__ import annotations

import pytest

from tests.optimizer.instances import with_trading
from tests.optimizer.test_infeasible import excluded_heavyweights
from tools.optimizer import diagnose as diagnose_module
from tools.optimizer import optimize as optimize_module
from tools.optimizer.errors import InfeasibleTEBudget
from tools.optimizer.evaluate import tracking_error
from tools.optimizer.optimize import optimize
from tools.optimizer.solve import solve


def test_the_quick_diagnosis_agrees_with_the_full_one_on_the_lowest_te() -> None:
    inp = excluded_heavyweights()
    with pytest.raises(InfeasibleTEBudget) as full:
        optimize(inp)
    with pytest.raises(InfeasibleTEBudget) as quick:
        optimize(inp, explain=False)
    assert quick.value.lowest_te == pytest.approx(full.value.lowest_te, rel=1e-6)
    assert {b.name for b in quick.value.binding} == {b.name for b in full.value.binding}
    assert [r.constraint for r in quick.value.relaxations] == ["te_budget"]
    assert len(full.value.relaxations) > 1


def _counting_solves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every solve the optimizer and its diagnosis make."""
    calls: list[str] = []

    def counted(problem, solvers, *, dpp):  # type: ignore[no-untyped-def]
        calls.append("solve")
        return solve(problem, solvers, dpp=dpp)

    monkeypatch.setattr(optimize_module, "solve", counted)
    monkeypatch.setattr(diagnose_module, "solve", counted)
    return calls


def test_an_unreachable_budget_is_diagnosed_after_one_solve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Today's TE is above the budget and so is the lowest reachable: the lowest-TE solve
    alone decides, instead of four infeasible solves (two choices of sides, with and without
    margins) before the diagnosis."""
    inp = excluded_heavyweights()
    assert tracking_error(inp, inp.weights) > inp.trading.te_budget
    calls = _counting_solves(monkeypatch)
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(inp, explain=False)
    assert len(calls) == 1
    assert caught.value.lowest_te > inp.trading.te_budget


def test_a_known_lowest_te_spares_the_up_front_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    inp = excluded_heavyweights()
    with pytest.raises(InfeasibleTEBudget) as caught:
        optimize(inp, explain=False)
    lowest = caught.value.lowest_te
    step = with_trading(inp, te_budget=lowest * 1.5)
    checked = optimize(step)
    calls = _counting_solves(monkeypatch)
    told = optimize(step, lowest_te=lowest)
    assert [(t.symbol, t.side, t.quantity) for t in told.trades] == [
        (t.symbol, t.side, t.quantity) for t in checked.trades
    ]
    assert len(calls) == told.timings.solves  # no solve besides the trade list's own
    assert told.metrics.te_after <= step.trading.te_budget
