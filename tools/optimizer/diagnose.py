"""Why a problem is infeasible, and what change would make it feasible.

When no trade list meets the TE budget, the lowest achievable TE under every other rule is
found by solving the lowest-TE problem (same compiled variables and constraints, objective
TE variance, trading sides chosen for tracking). Its binding constraints say what holds the TE
up; re-solving with each binding rule relaxed in turn (a changed input, so the trading sides
follow the relaxed rule) says how far that relaxation alone would go. When even that problem
is infeasible, the other limits contradict each other, and a phase-one problem with a slack
on each limit names them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable

import numpy as np

from tools.optimizer.binding import DUAL_TOLERANCE, RULE_CAUSES, binding_constraints
from tools.optimizer.errors import (
    BindingConstraint,
    InfeasibleConstraintsError,
    InfeasibleTEBudget,
    OptimizerError,
    Relaxation,
    SolverFailedError,
)
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds, tracking_sides, trade_bounds
from tools.optimizer.parameters import Margins, parameter_values
from tools.optimizer.problem import CompiledProblem
from tools.optimizer.solve import DEFAULT_SOLVERS, solve

SLACK_TOLERANCE = 1e-7
# Input masks that carry each rule whose bounds can bind.
RULE_MASKS = {
    "excluded": "excluded",
    "no_buy": "no_buy",
    "wash_sale": "wash_blocked",
    "no_sell": "no_sell",
}


Relax = Callable[[OptimizationInput], OptimizationInput]


def diagnose(
    inp: OptimizationInput,
    compiled: CompiledProblem,
    solvers: tuple[str, ...] = DEFAULT_SOLVERS,
    *,
    explain: bool = True,
    min_te_solved: bool = False,
) -> OptimizerError:
    """The typed error that explains why ``inp`` has no feasible trade list.

    Without ``explain`` the error carries the lowest TE and what binds, but the only
    relaxation it lists is raising the TE budget: a caller that steps towards the budget needs
    no more, and each other relaxation costs one more solve. ``min_te_solved``: the compiled
    lowest-TE problem holds the optimal solution for ``inp`` already
    (:func:`lowest_reachable_te` just solved it).
    """
    bounds = trade_bounds(inp, tracking_sides(inp))
    min_te = compiled.min_te_problem()
    if not min_te_solved:
        compiled.assign(parameter_values(inp, compiled.structure, bounds, Margins()))
        if solve(min_te, solvers, dpp=compiled.reusable).outcome == "infeasible":
            return _conflicting_limits(inp, compiled, solvers)
    lowest = math.sqrt(max(float(min_te.value), 0.0))
    binding = binding_constraints(compiled, inp, bounds, min_te)
    edits = _candidate_edits(inp, compiled, bounds) if explain else {}
    budget = inp.trading.te_budget
    relaxations = [
        Relaxation(
            "te_budget", f"raise the TE budget to {math.ceil(lowest * 1e4) / 1e4:.2%}", lowest, True
        )
    ]
    for name, (change, relax) in edits.items():
        relaxed = relax(inp)
        te = lowest_reachable_te(relaxed, compiled, solvers)
        if te is not None:
            relaxations.append(
                Relaxation(name, change + _needed(name, relaxed, compiled), te, te <= budget)
            )
    if len(edits) > 1:
        everything = functools.reduce(
            lambda current, relax: relax(current), [relax for _, relax in edits.values()], inp
        )
        te = lowest_reachable_te(everything, compiled, solvers)
        if te is not None:
            relaxations.append(
                Relaxation("all", "all of the changes above together", te, te <= budget)
            )
    return InfeasibleTEBudget(inp.account_id, budget, lowest, binding, relaxations)


def _candidate_edits(
    inp: OptimizationInput, compiled: CompiledProblem, bounds: TradeBounds
) -> dict[str, tuple[str, Relax]]:
    """One relaxation per binding rule of the lowest-TE solution."""
    constraints = compiled.constraints

    def binds(name: str) -> bool:
        constraint = constraints.get(name)
        if constraint is None or constraint.dual_value is None:
            return False
        return float(np.abs(np.asarray(constraint.dual_value, float)).sum()) > DUAL_TOLERANCE

    edits: dict[str, tuple[str, Relax]] = {}
    if binds("gains_budget"):
        room = float(np.clip(inp.lot_gain, 0.0, None).sum()) + 1.0
        edits["gains_budget"] = (
            "raise this year's remaining net gain budget above "
            f"${max(inp.tax.gains_room_usd, 0):,.0f}",
            lambda x: dataclasses.replace(x, tax=dataclasses.replace(x.tax, gains_room_usd=room)),
        )
    if binds("turnover"):
        edits["turnover"] = (
            f"raise max turnover above {inp.trading.max_turnover:.0%}",
            lambda x: _trading(x, max_turnover=2.0),
        )
    if binds("cash_min") or binds("cash_max"):
        edits["cash_band"] = (
            "widen the cash band to [0%, 100%]",
            lambda x: _trading(x, cash_min_fraction=0.0, cash_max_fraction=1.0),
        )
    if binds("tilt_upper") or binds("tilt_lower"):
        edits["tilts"] = (
            "loosen the tilt tolerances",
            lambda x: dataclasses.replace(
                x,
                tilts=tuple(
                    dataclasses.replace(t, tolerance=None if t.tolerance is None else 1e3)
                    for t in x.tilts
                ),
            ),
        )
    if binds("transition_min") and inp.transition is not None:
        edits["transition_min"] = (
            "sell less of the concentrated position today",
            lambda x: dataclasses.replace(
                x, transition=dataclasses.replace(x.transition, min_shares=0.0)
            ),
        )
    duals = {
        "buy": np.abs(np.asarray(constraints["buy_max"].dual_value, float)),
        "sell": np.abs(np.asarray(constraints["sell_max"].dual_value, float)),
    }
    causes = {"buy": bounds.buy_block_cause, "sell": bounds.sell_block_cause}
    for side in ("buy", "sell"):
        for cause in sorted(RULE_CAUSES):
            members = [
                i
                for i in range(inp.n_securities)
                if causes[side][i] == cause and duals[side][i] > DUAL_TOLERANCE
            ]
            if members:
                names = ", ".join(inp.symbols[i] for i in members[:8])
                edits[f"{side}_blocked:{cause}"] = (
                    f"allow {side}ing {names} ({cause})",
                    _lift(RULE_MASKS[cause], members),
                )
    return edits


def _trading(inp: OptimizationInput, **changes: float) -> OptimizationInput:
    return dataclasses.replace(inp, trading=dataclasses.replace(inp.trading, **changes))


def _lift(mask_name: str, members: list[int]) -> Relax:
    def relax(inp: OptimizationInput) -> OptimizationInput:
        mask = np.array(getattr(inp, mask_name), dtype=bool, copy=True)
        mask[members] = False
        return dataclasses.replace(inp, **{mask_name: mask})

    return relax


def lowest_reachable_te(
    inp: OptimizationInput, compiled: CompiledProblem, solvers: tuple[str, ...]
) -> float | None:
    """The lowest TE ``inp`` can reach under every other hard rule (None when that problem
    is infeasible or the solvers fail); the compiled lowest-TE problem keeps the solution."""
    bounds = trade_bounds(inp, tracking_sides(inp))
    compiled.assign(parameter_values(inp, compiled.structure, bounds, Margins()))
    problem = compiled.min_te_problem()
    try:
        report = solve(problem, solvers, dpp=compiled.reusable)
    except SolverFailedError:
        return None
    if report.outcome != "optimal":
        return None
    return math.sqrt(max(float(problem.value), 0.0))


def _needed(name: str, relaxed: OptimizationInput, compiled: CompiledProblem) -> str:
    """How much of a relaxed limit the lowest-TE solution just found uses."""
    if name == "gains_budget":
        realized = float(compiled.realized_short.value + compiled.realized_long.value)
        return f" (the lowest TE realizes ${realized * relaxed.account_value:,.0f})"
    if name == "turnover":
        return f" (the lowest TE needs {float(compiled.limits['turnover'][0].value):.2%})"
    return ""


def _conflicting_limits(
    inp: OptimizationInput, compiled: CompiledProblem, solvers: tuple[str, ...]
) -> InfeasibleConstraintsError:
    elastic = compiled.elastic_problem()
    violated: list[BindingConstraint] = []
    if solve(elastic, solvers, dpp=compiled.reusable).outcome == "optimal":
        for name, slack in compiled.elastic_slacks.items():
            amount = float(np.max(np.asarray(slack.value, float)))
            if amount > SLACK_TOLERANCE:
                violated.append(
                    BindingConstraint(name, 0.0, -amount, _shortfall(name, amount, inp))
                )
    return InfeasibleConstraintsError(inp.account_id, violated)


def _shortfall(name: str, amount: float, inp: OptimizationInput) -> str:
    dollars = amount * inp.account_value
    return {
        "cash_min": f"cash would stay ${dollars:,.2f} below the band",
        "cash_max": f"cash would stay ${dollars:,.2f} above the band",
        "turnover": f"needs {amount:.2%} more turnover than allowed",
        "gains_budget": f"needs ${dollars:,.2f} more net realized gain than the budget",
        "transition_min": f"cannot sell {amount:g} of the scheduled shares",
        "tilt_upper": f"a tilt exceeds its tolerance by {amount:.6f}",
        "tilt_lower": f"a tilt falls short of its tolerance by {amount:.6f}",
    }.get(name, f"violated by {amount:g}")
