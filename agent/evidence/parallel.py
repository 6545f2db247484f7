"""Verification of large stores split across processes.

A record's checks need only its own row and the stored hashes just before it (its run's
previous record, the store-wide previous record), so ranges of records can be checked
independently: each range starts from the stored hashes before it, and those are checked by
the range before. This module only answers "intact or not". When anything is wrong, the
sequential verifier runs to name the first bad seq, so reports do not depend on the split.

Soundness of "intact": every store position 1..N is present once and chained; every record
chains from its run's previous seq, stored at an earlier position; and each run holds exactly
seqs 1..n (count = max, min = 1, checked in SQL first). That is what the sequential pass checks.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from agent.evidence.chain import GENESIS_HASH
from agent.evidence.links import RunChain, hash_bytes, next_global_hash
from agent.evidence.schema import TABLE, read_only_uri

PARALLEL_MIN_RECORDS = 200_000  # below this, starting processes costs more than it saves
RANGES_PER_WORKER = 2


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worth_splitting(records: int, workers: int) -> bool:
    return workers > 1 and records >= PARALLEL_MIN_RECORDS


def store_intact(path: Path, last_gseq: int, workers: int) -> bool:
    """Every record (positions 1..last_gseq) and every run chain intact, checked in parallel."""
    ranges = _ranges(last_gseq, workers)
    return _all_true(_store_range_intact, [(str(path), lo, hi) for lo, hi in ranges], workers)


def run_intact(path: Path, run_id: str, last_seq: int, workers: int) -> bool:
    """Every record of the run (seqs 1..last_seq) intact, checked in parallel."""
    ranges = _ranges(last_seq, workers)
    return _all_true(_run_range_intact, [(str(path), run_id, lo, hi) for lo, hi in ranges], workers)


def runs_are_gapless(conn: sqlite3.Connection) -> bool:
    """Each run holds seqs 1..n exactly (with every link checked, count = max means no dupes)."""
    bad = conn.execute(
        f"SELECT 1 FROM {TABLE} GROUP BY run_id HAVING COUNT(*) != MAX(seq) OR MIN(seq) != 1 "
        "LIMIT 1"
    ).fetchone()
    return bad is None


def _store_range_intact(path: str, lo: int, hi: int) -> bool:
    conn = sqlite3.connect(read_only_uri(Path(path)), uri=True)
    try:
        if lo == 1:
            global_prev = hash_bytes(GENESIS_HASH)
        else:
            row = conn.execute(
                f"SELECT global_hash FROM {TABLE} WHERE gseq = ?", (lo - 1,)
            ).fetchone()
            if row is None:
                return False
            global_prev = hash_bytes(row[0])
        chains: dict[str, RunChain] = {}
        expected = lo
        cursor = conn.execute(
            f"SELECT gseq, run_id, seq, body, hash, global_hash FROM {TABLE} "
            "WHERE gseq BETWEEN ? AND ? ORDER BY gseq",
            (lo, hi),
        )
        for gseq, run_id, seq, body, stored, stored_global in cursor:
            global_prev = next_global_hash(global_prev, stored)
            if gseq != expected or global_prev.hex() != stored_global:
                return False
            expected += 1
            chain = chains.get(run_id) or _chain_before(conn, run_id, seq, lo)
            if chain is None or not chain.accept(seq, body, stored):
                return False
            chains[run_id] = chain
        return expected == hi + 1
    finally:
        conn.close()


def _chain_before(conn: sqlite3.Connection, run_id: str, seq: int, lo: int) -> RunChain | None:
    """The run's chain as of its record ``seq`` - 1, which must sit before position ``lo``."""
    if seq == 1:
        return RunChain(run_id)
    row = conn.execute(
        f"SELECT hash FROM {TABLE} WHERE run_id = ? AND seq = ? AND gseq < ?",
        (run_id, seq - 1, lo),
    ).fetchone()
    return RunChain(run_id, seq - 1, row[0]) if row else None


def _run_range_intact(path: str, run_id: str, lo: int, hi: int) -> bool:
    conn = sqlite3.connect(read_only_uri(Path(path)), uri=True)
    try:
        if lo == 1:
            chain = RunChain(run_id)
        else:
            row = conn.execute(
                f"SELECT hash FROM {TABLE} WHERE run_id = ? AND seq = ?", (run_id, lo - 1)
            ).fetchone()
            if row is None:
                return False
            chain = RunChain(run_id, lo - 1, row[0])
        cursor = conn.execute(
            f"SELECT seq, body, hash FROM {TABLE} WHERE run_id = ? AND seq BETWEEN ? AND ? "
            "ORDER BY seq",
            (run_id, lo, hi),
        )
        for seq, body, stored in cursor:
            if not chain.accept(seq, body, stored):
                return False
        return chain.checked == hi
    finally:
        conn.close()


def _ranges(last: int, workers: int) -> list[tuple[int, int]]:
    """1..last cut into about ``workers`` * RANGES_PER_WORKER contiguous ranges."""
    size = -(-last // (workers * RANGES_PER_WORKER))
    return [(lo, min(lo + size - 1, last)) for lo in range(1, last + 1, size)]


def _all_true(check: Callable[..., bool], tasks: list[tuple[Any, ...]], workers: int) -> bool:
    """Run ``check(*task)`` for every task in worker processes (in this process for one
    worker); stop at the first False."""
    if workers == 1:
        return all(check(*task) for task in tasks)
    # "spawn" is safe whatever threads the calling process runs ("fork" is not).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(check, *task) for task in tasks]
        for future in as_completed(futures):
            if not future.result():
                pool.shutdown(cancel_futures=True)
                return False
    return True
