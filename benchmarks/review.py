"""Review benchmark: the Rivera review end to end (no LLM) and the daily run over a fleet.

    python -m benchmarks.review [--repeats 5] [--households 100]

Prints the p50 (and min/max) of a full Rivera review, from loading the data directory to the
proposal waiting for approval, with the share of time spent in each node; then the time of
approving and executing it (paper mode off, so the data directory is not changed and every
repeat sees the same data); then ``lotwise daily`` over the generated fleet, in households
per minute, and the time of re-running the same day (nothing new to do).

The machine may be shared, so each review also reports its CPU time (``time.process_time``),
which other processes do not inflate. Numeric libraries run at one thread, as the command line
runs them (the ``benchmarks`` package sets the cap).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from agent.review.daily import run_daily
from agent.review.runner import ReviewRunner
from agent.review.snapshot import clear_snapshot_cache
from tools.synthetic import generate_data_dir

SAMPLE_HOUSEHOLD = "rivera"


@dataclass(frozen=True)
class ReviewTiming:
    wall: float  # seconds from loading the data to the proposal
    cpu: float  # CPU seconds of this process meanwhile
    per_node: dict[str, float]  # wall seconds per node ("load data" first)
    status: str


def time_review(data_dir: Path, state_dir: Path) -> ReviewTiming:
    """One fresh review (new runner, new snapshot)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    runner = ReviewRunner(data_dir, state_dir, paper=False)
    snapshot = runner.services.snapshot()
    as_of = snapshot.as_of.isoformat()
    run = runner.services.runs.create(SAMPLE_HOUSEHOLD, as_of, "benchmark")
    start = {
        "run_id": run.run_id,
        "household_id": SAMPLE_HOUSEHOLD,
        "as_of": as_of,
        "requested_by": "benchmark",
    }
    per_node: dict[str, float] = defaultdict(float)
    per_node["load data"] = time.perf_counter() - started
    config = {"configurable": {"thread_id": run.thread_id}}
    with runner.graph() as graph:
        mark = time.perf_counter()
        for update in graph.stream(
            start, config, context=runner.context, stream_mode="updates", durability="sync"
        ):
            now = time.perf_counter()
            for node in update:
                if node != "__interrupt__":
                    per_node[node] += now - mark
            mark = now
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    record = runner.services.runs.get(run.run_id)
    return ReviewTiming(wall, cpu, dict(per_node), record.status if record else "missing")


def time_approval(data_dir: Path, state_dir: Path) -> float | None:
    runner = ReviewRunner(data_dir, state_dir, paper=False)
    waiting = [r for r in runner.pending() if r.household_id == SAMPLE_HOUSEHOLD]
    if not waiting:
        return None
    started = time.perf_counter()
    runner.approve(waiting[-1].run_id, "benchmark-approver")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sample = root / "sample"
        generate_data_dir(sample, seed=args.seed)
        totals: list[float] = []
        cpu: list[float] = []
        nodes: dict[str, float] = defaultdict(float)
        statuses: set[str] = set()
        for repeat in range(args.repeats):
            clear_snapshot_cache()
            timing = time_review(sample, root / f"state-{repeat}")
            totals.append(timing.wall)
            cpu.append(timing.cpu)
            statuses.add(timing.status)
            for node, seconds in timing.per_node.items():
                nodes[node] += seconds
        print(
            f"Rivera review, {args.repeats} runs: p50 {statistics.median(totals):.3f} s "
            f"(min {min(totals):.3f}, max {max(totals):.3f}); "
            f"CPU p50 {statistics.median(cpu):.3f} s; status {', '.join(statuses)}"
        )
        spent = sum(nodes.values())
        for node, seconds in sorted(nodes.items(), key=lambda item: -item[1]):
            print(f"  {node:<10} {seconds / args.repeats:7.3f} s  {seconds / spent:6.1%}")
        approval = time_approval(sample, root / "state-0")
        if approval is not None:
            print(f"approve + re-check + execute (orders only): {approval:.3f} s")

        fleet = root / "fleet"
        generate_data_dir(fleet, seed=args.seed, households=args.households)
        clear_snapshot_cache()
        runner = ReviewRunner(fleet, root / "fleet-state", paper=False)
        started = time.perf_counter()
        summary = run_daily(runner)
        elapsed = time.perf_counter() - started
        reviewed = summary.households + len(summary.failures)
        print(
            f"daily over {reviewed} households: {elapsed:.1f} s, "
            f"{reviewed / elapsed * 60:.0f} households per minute; "
            f"by status {dict(summary.by_status)}; failures {len(summary.failures)}"
        )
        started = time.perf_counter()
        run_daily(runner)
        print(f"same day again (returns the existing runs): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
