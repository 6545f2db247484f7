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


def timed_single_appends(folder: Path, count: int) -> float:
    with EvidenceStore(folder / "single.sqlite") as store:
        start = time.perf_counter()
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
        return time.perf_counter() - start


def timed_batched_appends(path: Path, run_id: str, count: int, batch: int) -> float:
    with EvidenceStore(path) as store:
        start = time.perf_counter()
        for chunk in entries(run_id, count, batch):
            store.append_many(chunk)
        return time.perf_counter() - start


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
        seconds = timed_single_appends(folder, args.single)
        print(
            f"append (one record per transaction): {args.single:,} records in "
            f"{seconds:.2f} s = {args.single / seconds:,.0f} records/s"
        )
        seconds = timed_batched_appends(
            folder / "batched.sqlite", "run-batched", args.batched, args.batch
        )
        rate = args.batched / seconds
        print(
            f"append_many (batches of {args.batch}): {args.batched:,} records in "
            f"{seconds:.2f} s = {rate:,.0f} records/s "
            f"(target >= {APPEND_TARGET_PER_SECOND:,}: "
            f"{'met' if rate >= APPEND_TARGET_PER_SECOND else 'MISSED'})"
        )

        path = folder / "verify.sqlite"
        seconds = timed_batched_appends(path, "run-big", args.verify, 5_000)
        size_mb = sum(f.stat().st_size for f in folder.glob("verify.sqlite*")) / 1e6
        print(
            f"building the verification store: {args.verify:,} records in {seconds:.1f} s "
            f"= {args.verify / seconds:,.0f} records/s, {size_mb:,.0f} MB"
        )
        for label, check in (
            ("verify RUN_ID", lambda: verify_run(path, "run-big")),
            ("verify --all", lambda: verify_all(path)),
        ):
            start = time.perf_counter()
            result = check()
            seconds = time.perf_counter() - start
            if not result.ok or result.records != args.verify:
                raise SystemExit(f"{label} failed on an untouched store: {result.breaks}")
            scaled = seconds * VERIFY_TARGET_RECORDS / args.verify
            print(
                f"{label}: {args.verify:,} records in {seconds:.2f} s "
                f"= {args.verify / seconds:,.0f} records/s "
                f"({scaled:.2f} s per million; target <= {VERIFY_TARGET_SECONDS:.0f} s: "
                f"{'met' if scaled <= VERIFY_TARGET_SECONDS else 'MISSED'})"
            )


if __name__ == "__main__":
    main()
