"""A diagnosis without explanations keeps the lowest TE and what binds, and skips the
relaxation solves."""

from __future__ import annotations

import pytest

from tests.optimizer.test_infeasible import excluded_heavyweights
from tools.optimizer.errors import InfeasibleTEBudget
from tools.optimizer.optimize import optimize


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
