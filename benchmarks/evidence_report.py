"""Evidence reading benchmark: the compliance report, replay and why of one executed review.

    python -m benchmarks.evidence_report [--repeats 3]

Reviews the sample household "rivera" once, approves it and executes it in paper mode (so the
paper fills grow ``transactions.csv`` and the report and replay must restore the file as the
run read it), then prints the median seconds (and min/max) of writing the HTML report, of
replaying the run, and of explaining one symbol. Each repeat starts from a cold snapshot cache,
as a new ``lotwise`` process would.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agent.evidence.html_report import write_html_report
from agent.evidence.replay import replay_run
from agent.evidence.store import EvidenceStore
from agent.evidence.why import explain
from agent.review.runner import ReviewRunner
from agent.review.snapshot import clear_snapshot_cache
from tools.synthetic import generate_data_dir

SAMPLE_HOUSEHOLD = "rivera"


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        clear_snapshot_cache()
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def describe(label: str, seconds: list[float]) -> str:
    return (
        f"{label:<28} median {statistics.median(seconds):6.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}, n={len(seconds)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lotwise-bench-") as scratch:
        data_dir = Path(scratch) / "data"
        state_dir = data_dir / ".lotwise"
        generate_data_dir(data_dir, seed=7)
        runner = ReviewRunner(data_dir, state_dir)
        run = runner.review(SAMPLE_HOUSEHOLD, requested_by="benchmark")
        runner.approve(run.run_id, by="benchmark-approver")
        evidence_file = state_dir / "evidence.sqlite"
        with EvidenceStore(evidence_file) as store:
            records = store.records(run.run_id)
        proposal = next(r for r in records if r.kind == "proposal").outputs
        symbol = proposal["trades"][0]["symbol"]
        report = Path(scratch) / "report.html"
        print(f"run {run.run_id}: {len(records)} records, {len(proposal['trades'])} trades")
        html = timed(
            lambda: write_html_report(data_dir, evidence_file, run.run_id, report), args.repeats
        )
        print(describe("export --html", html) + f", {report.stat().st_size / 1024:.0f} KiB")
        outcome = replay_run(data_dir, state_dir, evidence_file, run.run_id)
        print(f"replay: identical={outcome.identical}, {len(outcome.compared)} records compared")
        print(
            describe(
                "replay",
                timed(
                    lambda: replay_run(data_dir, state_dir, evidence_file, run.run_id), args.repeats
                ),
            )
        )
        print(
            describe(
                f"why {symbol} (with reading)",
                timed(lambda: why(evidence_file, run.run_id, symbol), args.repeats),
            )
        )


def why(evidence_file: Path, run_id: str, symbol: str) -> object:
    with EvidenceStore(evidence_file) as store:
        return explain(run_id, store.records(run_id), symbol, None)


if __name__ == "__main__":
    main()
