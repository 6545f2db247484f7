"""Evidence log throughput: appends per second and chain verification time.

    python -m benchmarks.evidence [--single N] [--batched N] [--batch B] [--verify N]

Targets (issue 7): appending at least 5,000 records/s (the batch API is allowed) and verifying
1,000,000 records in at most 10 s. Records look like the review graph's check records (about
600 bytes of canonical JSON each). Everything happens in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agent.evidence import EvidenceEntry, EvidenceStore, verify_all, verify_run

POLICY_VERSION = "3f" * 32
APPEND_TARGET_PER_SECOND = 5_000
VERIFY_TARGET_SECONDS = 10.0
VERIFY_TARGET_RECORDS = 1_000_000


def check_entry(run_id: str, index: int) -> EvidenceEntry:
    return EvidenceEntry(
        run_id=run_id,
        node="evaluate",
        kind="check",
        inputs={"account_id": f"acct-{index % 7}", "symbol": "AAPL", "lots": [f"L{index}"]},
        outputs={
            "name": "wash_sale_window",
            "passed": index % 11 != 0,
            "detail": "no purchase of a substantially identical security within 30 days "
            "before or after the sale in any household account",
            "trades": [
                {
                    "account_id": f"acct-{index % 7}",
                    "symbol": "AAPL",
                    "side": "sell",
                    "quantity": 12.5 + index % 5,
                    "est_price": 187.23,
                }
            ],
            "te_after": 0.0123,
        },
        policy_version=POLICY_VERSION,
        checkpoint_id=f"1ef-{index:08x}",
    )


def entries(run_id: str, count: int, batch: int) -> Iterator[list[EvidenceEntry]]:
    for start in range(0, count, batch):
        yield [check_entry(run_id, i) for i in range(start, min(start + batch, count))]


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds, and CPU seconds of this process (the fairer figure when other
    work shares the machine)."""

    wall: float
    cpu: float

    def rates(self, records: int) -> str:
        return (
            f"{self.wall:.2f} s = {records / self.wall:,.0f} records/s "
            f"({records / self.cpu:,.0f} per CPU-second)"
        )


@contextmanager
def timer() -> Iterator[list[Timing]]:
    """Yields a list that holds the Timing once the block ends."""
    result: list[Timing] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield result
    result.append(Timing(time.perf_counter() - wall, time.process_time() - cpu))


def timed_single_appends(folder: Path, count: int) -> Timing:
    with EvidenceStore(folder / "single.sqlite") as store, timer() as timing:
        for index in range(count):
            entry = check_entry("run-single", index)
            store.append(
                entry.run_id,
                entry.node,
                entry.kind,
                entry.inputs,
                entry.outputs,
                policy_version=entry.policy_version,
                checkpoint_id=entry.checkpoint_id,
            )
    return timing[0]


def timed_batched_appends(path: Path, run_id: str, count: int, batch: int) -> Timing:
    with EvidenceStore(path) as store, timer() as timing:
        for chunk in entries(run_id, count, batch):
            store.append_many(chunk)
    return timing[0]


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=5_000, help="records appended one by one")
    parser.add_argument("--batched", type=int, default=50_000, help="records appended in batches")
    parser.add_argument("--batch", type=int, default=500, help="records per append_many call")
    parser.add_argument(
        "--verify",
        type=int,
        default=VERIFY_TARGET_RECORDS,
        help="records in the store that is verified (one run)",
    )
    args = parser.parse_args()

    print(
        f"machine: {os.cpu_count()} cores ({usable_cores()} usable), "
        f"{platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory(prefix="lotwise-evidence-bench-") as tmp:
        folder = Path(tmp)
        single = timed_single_appends(folder, args.single)
        print(
            f"append (one record per transaction): {args.single:,} records in "
            f"{single.rates(args.single)}"
        )
        batched = timed_batched_appends(
            folder / "batched.sqlite", "run-batched", args.batched, args.batch
        )
        print(
            f"append_many (batches of {args.batch}): {args.batched:,} records in "
            f"{batched.rates(args.batched)}; target >= {APPEND_TARGET_PER_SECOND:,}/s: "
            f"{verdict(args.batched / batched.wall >= APPEND_TARGET_PER_SECOND)}"
        )

        path = folder / "verify.sqlite"
        build = timed_batched_appends(path, "run-big", args.verify, 5_000)
        size_mb = sum(f.stat().st_size for f in folder.glob("verify.sqlite*")) / 1e6
        print(
            f"building the verification store: {args.verify:,} records in "
            f"{build.rates(args.verify)}, {size_mb:,.0f} MB"
        )
        for label, check in (
            ("verify RUN_ID", lambda: verify_run(path, "run-big")),
            ("verify --all", lambda: verify_all(path)),
        ):
            with timer() as timing:
                result = check()
            if not result.ok or result.records != args.verify:
                raise SystemExit(f"{label} failed on an untouched store: {result.breaks}")
            per_million = timing[0].wall * VERIFY_TARGET_RECORDS / args.verify
            print(
                f"{label}: {args.verify:,} records in {timing[0].rates(args.verify)}; "
                f"{per_million:.2f} s per million, target <= {VERIFY_TARGET_SECONDS:.0f} s: "
                f"{verdict(per_million <= VERIFY_TARGET_SECONDS)}"
            )


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
