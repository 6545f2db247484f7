"""An account whose TE budget cannot be approached gets the optimizer's full diagnosis, even
though the review first asks for the quick one (no relaxation solves)."""

from __future__ import annotations

import pytest

from agent.review.optimize import TE_STEP_HEADROOM, ToolsOptimizer
from tests.optimizer.test_infeasible import excluded_heavyweights
from tools.optimizer.errors import InfeasibleTEBudget
from tools.optimizer.evaluate import tracking_error


def test_no_step_possible_raises_the_error_with_every_relaxation() -> None:
    inp = excluded_heavyweights()
    with pytest.raises(InfeasibleTEBudget) as caught:
        ToolsOptimizer()._solve(inp)
    error = caught.value
    assert error.lowest_te * TE_STEP_HEADROOM >= tracking_error(inp, inp.weights)
    relaxations = {r.constraint for r in error.relaxations}
    assert {"te_budget", "buy_blocked:excluded"} <= relaxations
