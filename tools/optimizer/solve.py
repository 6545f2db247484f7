"""Solve a compiled problem: Clarabel first, then a fallback, with explicit status checks.

Only an ``optimal`` status is trusted. An infeasibility certificate is accepted from the
interior-point solver (Clarabel); any other status, or a solver exception, moves on to the
next solver. When every solver fails, :class:`SolverFailedError` lists what each one said.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import cvxpy as cp

from tools.optimizer.errors import SolverFailedError

DEFAULT_SOLVERS: tuple[str, ...] = ("CLARABEL", "SCS")
# Solvers whose infeasibility certificates are trusted without asking another solver.
CERTIFYING_SOLVERS = frozenset({"CLARABEL"})
SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "CLARABEL": {},
    "SCS": {"eps_abs": 1e-7, "eps_rel": 1e-7, "max_iters": 200_000},
}

Outcome = Literal["optimal", "infeasible"]


@dataclass(frozen=True)
class SolveReport:
    outcome: Outcome
    solver: str
    status: str  # the solver's status as cvxpy reports it
    wall_seconds: float  # everything inside problem.solve
    compile_seconds: float  # cvxpy canonicalization (DPP: parameter application only)
    solver_seconds: float  # time reported by the solver itself
    iterations: int | None
    attempts: tuple[str, ...]  # "SOLVER: status" of every solver tried


def available_solvers(preferred: Sequence[str]) -> list[str]:
    installed = set(cp.installed_solvers())
    return [name for name in preferred if name in installed]


def solve(
    problem: cp.Problem, solvers: Sequence[str] = DEFAULT_SOLVERS, *, dpp: bool = True
) -> SolveReport:
    """Solve ``problem`` in place; return which solver succeeded and how long it took.

    ``dpp``: compile the problem for re-solves (parameters stay symbolic: the first solve is
    slower, later ones only re-apply parameter values); False freezes the parameters' current
    values, the cheapest way to solve a problem once.
    """
    attempts: list[str] = []
    for solver in available_solvers(solvers):
        started = time.perf_counter()
        try:
            problem.solve(solver=solver, ignore_dpp=not dpp, **SOLVER_OPTIONS.get(solver, {}))
        except cp.error.SolverError as error:
            attempts.append(f"{solver}: error {error}")
            continue
        wall = time.perf_counter() - started
        status = str(problem.status)
        attempts.append(f"{solver}: {status}")
        if status == cp.OPTIMAL:
            return _report(
                "optimal", problem, solver=solver, status=status, wall=wall, attempts=attempts
            )
        if status == cp.INFEASIBLE and solver in CERTIFYING_SOLVERS:
            return _report(
                "infeasible", problem, solver=solver, status=status, wall=wall, attempts=attempts
            )
    if not attempts:
        attempts.append(f"none of {', '.join(solvers)} is installed")
    raise SolverFailedError(attempts)


def _report(
    outcome: Outcome,
    problem: cp.Problem,
    *,
    solver: str,
    status: str,
    wall: float,
    attempts: list[str],
) -> SolveReport:
    stats = problem.solver_stats
    return SolveReport(
        outcome=outcome,
        solver=solver,
        status=status,
        wall_seconds=wall,
        compile_seconds=float(problem.compilation_time or 0.0),
        solver_seconds=float(stats.solve_time or 0.0) if stats is not None else 0.0,
        iterations=stats.num_iters if stats is not None else None,
        attempts=tuple(attempts),
    )
