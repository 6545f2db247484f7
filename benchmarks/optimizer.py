"""Tax-aware optimizer speed: one S&P-500-sized account, cold and warm, and at 20,000 lots.

    python -m benchmarks.optimizer [--repeats N] [--lots L ...] [--seed S]

Target (issue 5): 500 names, 5,000 lots, 15 factors, p50 <= 0.5 s per optimization including
building the problem, and a faster warm re-solve. Each optimization is a whole ``optimize()``
call: screening, structure, build, cvxpy canonicalization, Clarabel, whole-share rounding,
the independent checks and the trade list. Three paths are measured:

- one-off: no cache; the problem is built and solved with its parameters frozen;
- first day: a ``ProblemCache`` is given but empty; the problem is built and compiled for
  DPP (the compilation a daily re-solve then reuses);
- warm: the next days (prices moved, same lots): the compiled problem only takes the new
  parameter values.

The three paths run back to back in every round, so they see the same machine load. Each
total is split into build (cvxpy variables, parameters, constraints), canonicalization
(cvxpy's compilation; warm: applying parameter values), solver (Clarabel's own time) and other
(screening, structure key, parameter values, rounding, checks, report).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence

import numpy as np

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import ProblemCache, optimize
from tools.optimizer.results import SolveTimings
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


def one_off(inp: OptimizationInput, rng: np.random.Generator) -> SolveTimings:
    return optimize(next_day(inp, rng)).timings


def first_day(inp: OptimizationInput, rng: np.random.Generator) -> SolveTimings:
    return optimize(next_day(inp, rng), cache=ProblemCache(1)).timings


def warm_runner(
    inp: OptimizationInput,
) -> Callable[[OptimizationInput, np.random.Generator], SolveTimings]:
    cache = ProblemCache(1)
    optimize(inp, cache=cache)  # the day the problem is compiled

    def warm(day: OptimizationInput, rng: np.random.Generator) -> SolveTimings:
        timings = optimize(next_day(day, rng), cache=cache).timings
        assert timings.reused_problem
        return timings

    return warm


def measure(
    inp: OptimizationInput, repeats: int, rng: np.random.Generator
) -> dict[str, list[SolveTimings]]:
    """Each round runs the three paths back to back, so they share the machine's load."""
    paths = {"one-off": one_off, "first day": first_day, "warm": warm_runner(inp)}
    runs: dict[str, list[SolveTimings]] = {name: [] for name in paths}
    for _ in range(repeats):
        for name, run in paths.items():
            runs[name].append(run(inp, rng))
    return runs


def p50(runs: list[SolveTimings]) -> float:
    return float(np.percentile([t.total_seconds for t in runs], 50))


def report(label: str, runs: list[SolveTimings], target: float | None) -> None:
    totals = [t.total_seconds for t in runs]
    parts = {
        "build": statistics.median(t.build_seconds for t in runs),
        "canonicalization": statistics.median(t.compile_seconds for t in runs),
        "solver": statistics.median(t.solver_seconds for t in runs),
        "other": statistics.median(
            t.total_seconds - t.build_seconds - t.compile_seconds - t.solver_seconds for t in runs
        ),
    }
    verdict = "" if target is None else ("  PASS" if p50(runs) <= target else "  FAIL")
    print(f"  {label:<9} p50 {p50(runs):6.3f} s   p90 {np.percentile(totals, 90):6.3f} s{verdict}")
    print("            median split: " + ", ".join(f"{k} {v:.3f}" for k, v in parts.items()))
    share = statistics.median(t.solver_seconds / t.total_seconds for t in runs)
    print(
        f"            {statistics.median(t.solves for t in runs):g} solve per optimization; "
        f"the solver is {share:.0%} of the total"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.optimizer")
    parser.add_argument("--repeats", type=int, default=7, help="runs per measurement")
    parser.add_argument("--lots", type=int, nargs="+", default=list(DEFAULT_LOTS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv) if argv is not None else [])
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"optimizer benchmark: {N_SECURITIES} names, {N_FACTORS} factors, {args.repeats} runs "
        f"each; Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{load:.1f} at start"
    )
    for lots in args.lots:
        inp = synthetic_input(
            n_securities=N_SECURITIES, n_lots=lots, n_factors=N_FACTORS, seed=args.seed
        )
        target = TARGET_P50_SECONDS if lots == DEFAULT_LOTS[0] else None
        print(
            f"\n{lots:,} lots (target: p50 <= {TARGET_P50_SECONDS} s at {DEFAULT_LOTS[0]:,} "
            "lots, warm faster):"
        )
        runs = measure(inp, args.repeats, rng)
        for name, path_runs in runs.items():
            report(name, path_runs, None if name == "first day" else target)
        faster = p50(runs["warm"]) < min(p50(runs["one-off"]), p50(runs["first day"]))
        print(f"            warm re-solve faster than both cold paths: {'yes' if faster else 'NO'}")


if __name__ == "__main__":
    main(sys.argv[1:])
