"""Why a problem is infeasible, and what change would make it feasible.

When no trade list meets the TE budget, the lowest achievable TE under every other rule is
found by solving the lowest-TE problem (same compiled variables and constraints, objective
TE variance, trading sides chosen for tracking). Its binding constraints say what holds the TE
up; re-solving with each binding rule relaxed in turn says how far that relaxation alone would
go. When even that problem is infeasible, the other limits contradict each other, and a
phase-one problem with a slack on each limit names them.
"""

from __future__ import annotations

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
from tools.optimizer.parameters import Margins, ParameterValues, parameter_values
from tools.optimizer.problem import CompiledProblem
from tools.optimizer.solve import DEFAULT_SOLVERS, solve

SLACK_TOLERANCE = 1e-7

Edit = Callable[[ParameterValues], None]


def diagnose(
    inp: OptimizationInput, compiled: CompiledProblem, solvers: tuple[str, ...] = DEFAULT_SOLVERS
) -> OptimizerError:
    """The typed error that explains why ``inp`` has no feasible trade list."""
    bounds = trade_bounds(inp, tracking_sides(inp))
    values = parameter_values(inp, compiled.structure, bounds, Margins())
    compiled.assign(values)
    min_te = compiled.min_te_problem()
    if solve(min_te, solvers).outcome == "infeasible":
        return _conflicting_limits(inp, compiled, solvers)
    lowest = math.sqrt(max(float(min_te.value), 0.0))
    binding = binding_constraints(compiled, inp, bounds, min_te)
    relaxations = _relaxations(inp, compiled, bounds, values=values, lowest=lowest, solvers=solvers)
    return InfeasibleTEBudget(inp.account_id, inp.trading.te_budget, lowest, binding, relaxations)


def _relaxations(
    inp: OptimizationInput,
    compiled: CompiledProblem,
    bounds: TradeBounds,
    *,
    values: ParameterValues,
    lowest: float,
    solvers: tuple[str, ...],
) -> list[Relaxation]:
    budget = inp.trading.te_budget
    proposals: list[Relaxation] = [
        Relaxation(
            "te_budget", f"raise the TE budget to {math.ceil(lowest * 1e4) / 1e4:.2%}", lowest, True
        )
    ]
    edits = _candidate_edits(inp, compiled, bounds)
    for name, (change, edit) in edits.items():
        te = _min_te_with(compiled, values, [edit], solvers)
        if te is not None:
            proposals.append(
                Relaxation(name, change + _needed(name, inp, compiled), te, te <= budget)
            )
    if len(edits) > 1:
        te = _min_te_with(compiled, values, [edit for _, edit in edits.values()], solvers)
        if te is not None:
            proposals.append(
                Relaxation("all", "all of the changes above together", te, te <= budget)
            )
    compiled.assign(values)
    return proposals


def _needed(name: str, inp: OptimizationInput, compiled: CompiledProblem) -> str:
    """How much of a relaxed limit the lowest-TE solution uses."""
    if name == "gains_budget":
        realized = float(compiled.realized_short.value + compiled.realized_long.value)
        return f" (the lowest TE realizes ${realized * inp.account_value:,.0f})"
    if name == "turnover":
        return f" (the lowest TE needs {float(compiled.limits['turnover'][0].value):.2%})"
    return ""


def _candidate_edits(
    inp: OptimizationInput, compiled: CompiledProblem, bounds: TradeBounds
) -> dict[str, tuple[str, Edit]]:
    """One relaxation per binding rule of the lowest-TE solution."""
    constraints = compiled.constraints
    edits: dict[str, tuple[str, Edit]] = {}

    def binds(name: str) -> bool:
        constraint = constraints.get(name)
        if constraint is None or constraint.dual_value is None:
            return False
        return float(np.abs(np.asarray(constraint.dual_value, float)).sum()) > DUAL_TOLERANCE

    if binds("gains_budget"):
        total_gain = float(np.clip(inp.lot_gain, 0.0, None).sum())
        edits["gains_budget"] = (
            f"raise this year's remaining net gain budget above "
            f"${max(inp.tax.gains_room_usd, 0):,.0f}",
            lambda v: v.__setitem__("gains_room", total_gain / inp.account_value + 1.0),
        )
    if binds("turnover"):
        edits["turnover"] = (
            f"raise max turnover above {inp.trading.max_turnover:.0%}",
            lambda v: v.__setitem__("turnover_max", 2.0),
        )
    if binds("cash_min") or binds("cash_max"):

        def widen_cash(v: ParameterValues) -> None:
            v["cash_min"], v["cash_max"] = 0.0, 1.0

        edits["cash_band"] = ("widen the cash band", widen_cash)
    if binds("tilt_upper") or binds("tilt_lower"):
        edits["tilts"] = (
            "loosen the tilt tolerances",
            lambda v: v.__setitem__("tilt_tolerance", np.full(len(inp.tilts), 1e3)),
        )
    if binds("transition_min"):
        edits["transition_min"] = (
            "sell less of the concentrated position today",
            lambda v: v.__setitem__("transition_min_shares", 0.0),
        )
    buy_duals = np.abs(np.asarray(constraints["buy_max"].dual_value, float))
    sell_duals = np.abs(np.asarray(constraints["sell_max"].dual_value, float))
    for cause in sorted(RULE_CAUSES):
        buys = [
            i
            for i in range(inp.n_securities)
            if bounds.buy_block_cause[i] == cause and buy_duals[i] > DUAL_TOLERANCE
        ]
        sells = [
            i
            for i in range(inp.n_securities)
            if bounds.sell_block_cause[i] == cause and sell_duals[i] > DUAL_TOLERANCE
        ]
        if buys:
            names = ", ".join(inp.symbols[i] for i in buys[:8])
            edits[f"buy_blocked:{cause}"] = (
                f"allow buying {names} ({cause})",
                _open("buy_max", buys, 1.0),
            )
        if sells:
            names = ", ".join(inp.symbols[i] for i in sells[:8])
            edits[f"sell_blocked:{cause}"] = (
                f"allow selling {names} ({cause})",
                _open("sell_max", sells, inp.weights[sells]),
            )
    return edits


def _open(name: str, indices: list[int], limit: float | np.ndarray) -> Edit:
    def edit(v: ParameterValues) -> None:
        opened = np.array(v[name], dtype=float, copy=True)
        opened[indices] = limit
        v[name] = opened

    return edit


def _min_te_with(
    compiled: CompiledProblem, values: ParameterValues, edits: list[Edit], solvers: tuple[str, ...]
) -> float | None:
    changed = dict(values)
    for edit in edits:
        edit(changed)
    compiled.assign(changed)
    problem = compiled.min_te_problem()
    try:
        report = solve(problem, solvers)
    except SolverFailedError:
        return None
    if report.outcome != "optimal":
        return None
    return math.sqrt(max(float(problem.value), 0.0))


def _conflicting_limits(
    inp: OptimizationInput, compiled: CompiledProblem, solvers: tuple[str, ...]
) -> InfeasibleConstraintsError:
    elastic = compiled.elastic_problem()
    violated: list[BindingConstraint] = []
    if solve(elastic, solvers).outcome == "optimal":
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
