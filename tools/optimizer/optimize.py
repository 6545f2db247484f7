"""One account's optimization, end to end: screen, solve, round, repair, check, report.

1. Screen harvest candidates; give every identical group a trading side (sell or buy).
2. Load today's numbers into the compiled problem for the account's structure and solve it,
   keeping small margins inside every limit. With a :class:`ProblemCache` the problem is
   compiled once for re-solves (DPP) and reused while the structure holds; without one, the
   optimization is a one-off and cvxpy solves it with the parameters frozen (faster once).
3. Round to whole shares, repair, and run the independent checks. A failed check means a
   re-solve with wider margins; an infeasible solve means the next choice of sides (harvest
   only where it does not block a buy the TE budget needs).
4. If rounding never passes the checks but today's portfolio does, propose no trade (with a
   note). If nothing is feasible, diagnose: :class:`InfeasibleTEBudget` with the lowest
   achievable TE, what binds and which relaxations would help, or
   :class:`InfeasibleConstraintsError`.

An account whose TE is above its budget today is first checked against the lowest TE it can
reach: when even that is above the budget, it is diagnosed at once instead of after every
choice of sides has come back infeasible (four solves saved).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from tools.optimizer.binding import binding_constraints
from tools.optimizer.checks import CheckOutcome, failed, run_checks
from tools.optimizer.diagnose import diagnose, lowest_reachable_te
from tools.optimizer.errors import BindingConstraint, RoundingRepairError
from tools.optimizer.evaluate import TradePlan, evaluate, tracking_error
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds, harvest_sides, tracking_sides, trade_bounds
from tools.optimizer.parameters import Margins, parameter_values
from tools.optimizer.problem import CompiledProblem, compile_problem
from tools.optimizer.report import build_trade_list
from tools.optimizer.results import SolveTimings, TradeList
from tools.optimizer.rounding import repair, round_to_shares
from tools.optimizer.screening import screen_harvest
from tools.optimizer.solve import DEFAULT_SOLVERS, SolveReport, solve
from tools.optimizer.structure import Structure, structure_of

REPAIR_ROUNDS = 4  # solves per choice of sides before giving up on rounding
MARGIN_GROWTH = 4.0


def initial_margins(inp: OptimizationInput) -> Margins:
    """Room kept for rounding: half a percent of TE and turnover limits, a twentieth of a
    percent of value for cash, and half a percent of the gains room (at least $10)."""
    return Margins(
        te=0.005,
        cash=0.0005,
        turnover=0.005,
        gains_usd=max(10.0, 0.005 * max(inp.tax.gains_room_usd, 0.0)),
    )


class ProblemCache:
    """Compiled problems by structure key; the least recently used is dropped first."""

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._problems: OrderedDict[str, CompiledProblem] = OrderedDict()

    def __len__(self) -> int:
        return len(self._problems)

    def get(self, structure: Structure) -> tuple[CompiledProblem, bool]:
        """The compiled problem for ``structure`` and whether it was already there."""
        if structure.key in self._problems:
            self._problems.move_to_end(structure.key)
            return self._problems[structure.key], True
        compiled = compile_problem(structure)
        self._problems[structure.key] = compiled
        while len(self._problems) > self.capacity:
            self._problems.popitem(last=False)
        return compiled, False


@dataclass
class _Clock:
    solves: int = 0
    compile_seconds: float = 0.0
    solver_seconds: float = 0.0
    solver: str = ""
    notes: list[str] = field(default_factory=list)

    def add(self, report: SolveReport) -> None:
        self.solves += 1
        self.compile_seconds += report.compile_seconds
        self.solver_seconds += report.solver_seconds
        self.solver = report.solver
        if len(report.attempts) > 1:
            self.notes.append("solver fallback: " + "; ".join(report.attempts))


@dataclass(frozen=True)
class _Accepted:
    plan: TradePlan
    outcomes: list[CheckOutcome]
    binding: list[BindingConstraint]


def optimize(
    inp: OptimizationInput,
    *,
    cache: ProblemCache | None = None,
    solvers: tuple[str, ...] = DEFAULT_SOLVERS,
    explain: bool = True,
    lowest_te: float | None = None,
) -> TradeList:
    """The checked, whole-share trade list for one account.

    ``explain=False`` skips the relaxation solves of an infeasibility diagnosis (see
    :func:`~tools.optimizer.diagnose.diagnose`). ``lowest_te``: the lowest TE the account
    can reach, when the caller knows it already (a step towards an unreachable budget);
    it spares the up-front check of an account above its budget.

    Raises :class:`~tools.optimizer.errors.InfeasibleTEBudget`,
    :class:`~tools.optimizer.errors.InfeasibleConstraintsError`,
    :class:`~tools.optimizer.errors.RoundingRepairError` or
    :class:`~tools.optimizer.errors.SolverFailedError`; never returns a list that fails a check.
    """
    started = time.perf_counter()
    screen = screen_harvest(inp)
    structure = structure_of(inp)
    building = time.perf_counter()
    if cache is None:
        compiled, reused = compile_problem(structure, reusable=False), False
    else:
        compiled, reused = cache.get(structure)
    build_seconds = time.perf_counter() - building
    if lowest_te is None and tracking_error(inp, inp.weights) > inp.trading.te_budget:
        lowest_te = lowest_reachable_te(inp, compiled, solvers)
        if lowest_te is not None and lowest_te > inp.trading.te_budget:
            raise diagnose(inp, compiled, solvers, explain=explain, min_te_solved=True)
    clock = _Clock()
    rounding_failures: list[CheckOutcome] = []
    choices = [harvest_sides(inp, screen)]
    if tracking_sides(inp) != choices[0]:
        choices.append(tracking_sides(inp))
    accepted: _Accepted | None = None
    for number, sides in enumerate(choices):
        accepted, failures = _solve_and_round(
            inp, compiled, trade_bounds(inp, sides), solvers, clock
        )
        rounding_failures = failures or rounding_failures
        if accepted is not None:
            if number:
                clock.notes.append(
                    "harvesting in underweight groups was infeasible; "
                    "harvested only where no buy is needed"
                )
            break
    if accepted is None and rounding_failures:
        accepted = _standing_still(inp, rounding_failures, clock)
    if accepted is None:
        raise diagnose(inp, compiled, solvers, explain=explain)
    timings = SolveTimings(
        solver=clock.solver,
        solves=clock.solves,
        reused_problem=reused,
        dpp=compiled.reusable,
        build_seconds=0.0 if reused else build_seconds,
        compile_seconds=clock.compile_seconds,
        solver_seconds=clock.solver_seconds,
        total_seconds=time.perf_counter() - started,
    )
    return build_trade_list(
        inp,
        accepted.plan,
        figures=evaluate(inp, accepted.plan),
        screen=screen,
        binding=accepted.binding,
        outcomes=accepted.outcomes,
        timings=timings,
        notes=clock.notes,
    )


def _standing_still(
    inp: OptimizationInput, failures: list[CheckOutcome], clock: _Clock
) -> _Accepted:
    """No trade, when rounding cannot keep every limit but today's portfolio does."""
    empty = TradePlan.empty(inp)
    outcomes = run_checks(inp, empty)
    if failed(outcomes):
        raise RoundingRepairError(inp.account_id, [f"{o.name}: {o.detail}" for o in failures])
    clock.notes.append(
        "no whole-share trade list kept every limit ("
        + ", ".join(o.name for o in failures)
        + "); proposing no trade"
    )
    return _Accepted(empty, outcomes, [])


def _solve_and_round(
    inp: OptimizationInput,
    compiled: CompiledProblem,
    bounds: TradeBounds,
    solvers: tuple[str, ...],
    clock: _Clock,
) -> tuple[_Accepted | None, list[CheckOutcome]]:
    """Solve, round and check with growing margins; (accepted, []) or (None, last failures).

    An infeasible first solve is retried once without margins before the sides are given up.
    """
    margins = initial_margins(inp)
    failures: list[CheckOutcome] = []
    for attempt in range(REPAIR_ROUNDS):
        report = _solve_with(inp, compiled, bounds, margins=margins, solvers=solvers, clock=clock)
        if report.outcome == "infeasible" and attempt == 0:
            margins = Margins()
            report = _solve_with(
                inp, compiled, bounds, margins=margins, solvers=solvers, clock=clock
            )
        if report.outcome == "infeasible":
            return None, failures
        binding = binding_constraints(compiled, inp, bounds, compiled.problem)
        sold = np.asarray(compiled.sold.value, dtype=float)[: inp.n_lots]
        bought = np.asarray(compiled.buy.value, dtype=float)
        plan = repair(inp, round_to_shares(inp, sold, bought), bounds)
        outcomes = run_checks(inp, plan)
        failures = failed(outcomes)
        if not failures:
            return _Accepted(plan, outcomes, binding), []
        clock.notes.append(
            "rounding re-solved with wider margins after: " + ", ".join(o.name for o in failures)
        )
        margins = (margins if margins != Margins() else initial_margins(inp)).widened(MARGIN_GROWTH)
    return None, failures


def _solve_with(
    inp: OptimizationInput,
    compiled: CompiledProblem,
    bounds: TradeBounds,
    *,
    margins: Margins,
    solvers: tuple[str, ...],
    clock: _Clock,
) -> SolveReport:
    compiled.assign(parameter_values(inp, compiled.structure, bounds, margins))
    report = solve(compiled.problem, solvers, dpp=compiled.reusable)
    clock.add(report)
    return report
