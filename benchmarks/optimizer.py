"""Tax-aware optimizer speed: one S&P-500-sized account, cold and warm, and at 20,000 lots.

    python -m benchmarks.optimizer [--repeats N] [--lots L ...] [--seed S]

Target (issue 5): 500 names, 5,000 lots, 15 factors, p50 <= 0.5 s per optimization including
building the problem ("cold": nothing cached), and a faster warm re-solve (the compiled DPP
problem reused with the next day's prices). Each optimization is the whole ``optimize()``
call: screening, structure, build, cvxpy canonicalization, Clarabel, whole-share rounding,
the independent checks and the trade list. The time is split into

- build: creating the cvxpy variables, parameters and constraints;
- canonicalization: cvxpy's compilation (cold: the DPP compilation; warm: applying the
  new parameter values to the compiled problem);
- solver: Clarabel's own time;
- other: screening, structure key, parameter values, rounding, checks, report.

For reference, the same problem is also compiled once without DPP (parameters frozen as
constants), the path a problem rebuilt from scratch every day would take.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence

import numpy as np

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import harvest_sides, trade_bounds
from tools.optimizer.optimize import ProblemCache, initial_margins, optimize
from tools.optimizer.parameters import parameter_values
from tools.optimizer.problem import compile_problem
from tools.optimizer.results import SolveTimings
from tools.optimizer.screening import screen_harvest
from tools.optimizer.structure import structure_of
from tools.optimizer.synthetic import synthetic_input

TARGET_P50_SECONDS = 0.5
N_SECURITIES = 500
N_FACTORS = 15
DEFAULT_LOTS = (5_000, 20_000)
DAILY_VOLATILITY = 0.015


def next_day(inp: OptimizationInput, rng: np.random.Generator) -> OptimizationInput:
    """The same account a trading day later: prices move, the lots stay."""
    moves = np.exp(rng.normal(0.0, DAILY_VOLATILITY, inp.n_securities))
    return dataclasses.replace(inp, prices=inp.prices * moves)


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def breakdown(timings: list[SolveTimings]) -> dict[str, float]:
    """Median seconds of each part over the runs."""
    parts = {
        "build": [t.build_seconds for t in timings],
        "canonicalization": [t.compile_seconds for t in timings],
        "solver": [t.solver_seconds for t in timings],
        "other": [
            t.total_seconds - t.build_seconds - t.compile_seconds - t.solver_seconds
            for t in timings
        ],
        "total": [t.total_seconds for t in timings],
    }
    return {name: statistics.median(values) for name, values in parts.items()}


def run_cold(inp: OptimizationInput, repeats: int, rng: np.random.Generator) -> list[SolveTimings]:
    runs = []
    for _ in range(repeats):
        day = next_day(inp, rng)
        result = optimize(day, cache=ProblemCache(1))
        runs.append(result.timings)
    return runs


def run_warm(inp: OptimizationInput, repeats: int, rng: np.random.Generator) -> list[SolveTimings]:
    cache = ProblemCache(1)
    optimize(inp, cache=cache)  # the day the problem is compiled
    runs = []
    for _ in range(repeats):
        result = optimize(next_day(inp, rng), cache=cache)
        assert result.timings.reused_problem
        runs.append(result.timings)
    return runs


def without_dpp_seconds(inp: OptimizationInput) -> tuple[float, float]:
    """(canonicalization, solver) seconds of one solve with parameters as constants."""
    structure = structure_of(inp)
    compiled = compile_problem(structure)
    bounds = trade_bounds(inp, harvest_sides(inp, screen_harvest(inp)))
    compiled.assign(parameter_values(inp, structure, bounds, initial_margins(inp)))
    compiled.problem.solve(solver="CLARABEL", ignore_dpp=True)
    return float(compiled.problem.compilation_time), float(compiled.problem.solver_stats.solve_time)


def report(label: str, runs: list[SolveTimings], target: float | None) -> None:
    totals = [t.total_seconds for t in runs]
    parts = breakdown(runs)
    p50, p90 = percentile(totals, 50), percentile(totals, 90)
    verdict = "" if target is None else ("  PASS" if p50 <= target else "  FAIL")
    print(f"  {label:<5} p50 {p50:6.3f} s   p90 {p90:6.3f} s{verdict}")
    print(
        "        median split: "
        + ", ".join(f"{name} {seconds:.3f}" for name, seconds in parts.items() if name != "total")
    )
    solves = statistics.median(t.solves for t in runs)
    share = parts["solver"] / parts["total"] if parts["total"] else 0.0
    print(f"        solves per optimization {solves:g}; the solver is {share:.0%} of the total")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.optimizer")
    parser.add_argument("--repeats", type=int, default=7, help="runs per measurement")
    parser.add_argument("--lots", type=int, nargs="+", default=list(DEFAULT_LOTS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv) if argv is not None else [])
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"optimizer benchmark: {N_SECURITIES} names, {N_FACTORS} factors, "
        f"{args.repeats} runs each; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load:.1f} at start"
    )
    for lots in args.lots:
        inp = synthetic_input(
            n_securities=N_SECURITIES, n_lots=lots, n_factors=N_FACTORS, seed=args.seed
        )
        target = TARGET_P50_SECONDS if lots == DEFAULT_LOTS[0] else None
        print(f"\n{lots:,} lots (target p50 <= {TARGET_P50_SECONDS} s at {DEFAULT_LOTS[0]:,}):")
        cold = run_cold(inp, args.repeats, rng)
        report("cold", cold, target)
        warm = run_warm(inp, args.repeats, rng)
        report("warm", warm, target)
        faster = percentile([t.total_seconds for t in warm], 50) < percentile(
            [t.total_seconds for t in cold], 50
        )
        print(f"        warm re-solve faster than cold: {'yes' if faster else 'NO'}")
        started = time.perf_counter()
        canonical, solver = without_dpp_seconds(inp)
        print(
            f"  no DPP (reference): canonicalization {canonical:.3f} s, solver {solver:.3f} s, "
            f"{time.perf_counter() - started:.3f} s with build"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
