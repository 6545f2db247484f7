"""Recompute the evidence chains and say where, and how, they were broken.

Verification streams rows straight from SQLite and checks each record with
``agent.evidence.links`` (no parsing, no models). When a check fails, a slower diagnosis
parses the record and looks around it to name the first bad seq and what happened (deleted,
inserted, reordered, altered).

What a chain cannot show on its own: records removed from the end of a run, or a run rewritten
wholesale with recomputed hashes. ``verify_all`` catches the first while later records exist
(store-wide sequence); an ``anchor`` catches both, given a hash kept elsewhere, such as the
``evidence.head_hash`` of the run's proposal.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.evidence.chain import GENESIS_HASH
from agent.evidence.links import HASH_BYTES, RunChain, hash_bytes, next_global_hash
from agent.evidence.readonly import open_read_only
from agent.evidence.schema import GUARDS, TABLE
from agent.evidence.store import unknown_run
from tools.errors import DataValidationError

FETCH_ROWS = 20_000


@dataclass(frozen=True)
class ChainBreak:
    """The first bad record of a run (``seq``), or of the store-wide sequence (``gseq`` only)."""

    run_id: str | None  # None for a break of the store-wide sequence
    seq: int | None  # the run's first bad seq
    gseq: int | None  # store-wide position of the row where the break was found
    problem: str

    def describe(self) -> str:
        if self.run_id is None:
            return f"store sequence {self.gseq}: {self.problem}"
        return f"run {self.run_id}, seq {self.seq}: {self.problem}"


@dataclass(frozen=True)
class VerificationResult:
    scope: str  # a run id, or "all"
    records: int  # records read
    runs: int
    # The run's head (its last intact record's hash when broken), or for "all" the
    # store-wide chain's head (None when that chain is broken).
    head: str | None
    heads: dict[str, str]  # last intact hash per run
    guards_intact: bool  # both append-only triggers present and unchanged
    breaks: list[ChainBreak] = field(default_factory=list)  # first per run, then store-wide
    anchor: str | None = None
    anchor_found: bool | None = None  # None when no anchor was given or the chain is broken
    # What the run store, orders files or a witness hold that the log does not back
    # (``agent.evidence.audit``); empty when only the chains were checked.
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks and not self.missing and self.anchor_found is not False

    @property
    def first_bad_seq(self) -> int | None:
        return next((b.seq for b in self.breaks if b.seq is not None), None)

    def document(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "scope": self.scope,
            "records": self.records,
            "runs": self.runs,
            "head": self.head,
            "heads": self.heads,
            "guards_intact": self.guards_intact,
            "anchor": self.anchor,
            "anchor_found": self.anchor_found,
            "first_bad_seq": self.first_bad_seq,
            "breaks": [
                {"run_id": b.run_id, "seq": b.seq, "gseq": b.gseq, "problem": b.problem}
                for b in self.breaks
            ],
            "missing": self.missing,
        }


def verify_run(path: Path, run_id: str, anchor: str | None = None) -> VerificationResult:
    """Check one run's chain; ``anchor``, if given, must be the hash of one of its records."""
    with read_only_store(path) as conn:
        outcome = _check_run(conn, run_id, anchor)
        if outcome.rows == 0:
            raise unknown_run(path, run_id)
        checker = outcome.checker
        return VerificationResult(
            scope=run_id,
            records=outcome.rows,
            runs=1,
            head=checker.prev_hex if checker.checked else None,
            heads={run_id: checker.prev_hex} if checker.checked else {},
            guards_intact=_guards_intact(conn),
            breaks=[outcome.failure] if outcome.failure else [],
            anchor=anchor,
            anchor_found=outcome.anchor_found if anchor and not outcome.failure else None,
        )


def verify_all(path: Path) -> VerificationResult:
    """Check every run's chain and the store-wide chain, in one pass in append order.

    A run's records appear in append order in seq order, so each run's chain is checked as
    the pass meets its records. A run found damaged is then re-checked on its own, in seq
    order, so that its first bad seq and diagnosis are exactly what ``verify_run`` reports.
    """
    with read_only_store(path) as conn:
        cursor = conn.execute(
            f"SELECT gseq, run_id, seq, body, hash, global_hash FROM {TABLE} ORDER BY gseq"
        )
        checkers: dict[str, _RunChecker] = {}
        damaged: dict[str, None] = {}  # insertion-ordered set
        store_break: ChainBreak | None = None
        global_prev = hash_bytes(GENESIS_HASH)
        global_head: str | None = None
        rows = 0
        for gseq, run_id, seq, body, stored, stored_global in _stream(cursor):
            rows += 1
            if store_break is None:
                computed = next_global_hash(global_prev, stored)
                if gseq != rows or computed.hex() != stored_global:
                    store_break = _diagnose_store(gseq, rows)
                global_prev = computed
                global_head = stored_global
            if run_id in damaged:
                continue
            checker = checkers.get(run_id) or checkers.setdefault(run_id, _RunChecker(run_id))
            if not checker.accept(seq, body, stored):
                damaged[run_id] = None
        breaks: list[ChainBreak] = []
        for run_id in damaged:
            outcome = _check_run(conn, run_id)
            checkers[run_id] = outcome.checker
            if outcome.failure:
                breaks.append(outcome.failure)
        return VerificationResult(
            scope="all",
            records=rows,
            runs=len(checkers),
            head=global_head if store_break is None else None,
            heads={run_id: c.prev_hex for run_id, c in checkers.items() if c.checked},
            guards_intact=_guards_intact(conn),
            breaks=[*breaks, *([store_break] if store_break else [])],
        )


@dataclass
class _RunOutcome:
    checker: _RunChecker
    rows: int = 0
    failure: ChainBreak | None = None
    anchor_found: bool = False


def _check_run(conn: sqlite3.Connection, run_id: str, anchor: str | None = None) -> _RunOutcome:
    """Walk one run in seq order up to its first break."""
    cursor = conn.execute(
        f"SELECT gseq, seq, body, hash FROM {TABLE} WHERE run_id = ? ORDER BY seq", (run_id,)
    )
    outcome = _RunOutcome(_RunChecker(run_id))
    for gseq, seq, body, stored in _stream(cursor):
        outcome.rows += 1
        if not outcome.checker.accept(seq, body, stored):
            outcome.failure = outcome.checker.diagnose(conn, seq, body, stored, gseq)
            break
        outcome.anchor_found = outcome.anchor_found or stored == anchor
    return outcome


class _RunChecker(RunChain):
    """A run's chain walked in seq order, able to explain the record it refuses."""

    __slots__ = ()

    def diagnose(
        self, conn: sqlite3.Connection, seq: Any, body: Any, stored: Any, gseq: int
    ) -> ChainBreak:
        """Name the run's first bad seq and what happened, given the row ``accept`` refused."""
        expected = self.checked + 1

        def at(bad_seq: int, problem: str) -> ChainBreak:
            return ChainBreak(self.run_id, bad_seq, gseq, problem)

        if not isinstance(seq, int):
            return at(expected, f"seq column altered (holds {seq!r})")
        if seq > expected:
            return at(expected, f"record missing (deleted): the next stored record is seq {seq}")
        if seq < expected:
            return at(seq, "seq stored twice (a record was added with a duplicate seq)")
        document = _record_document(body)
        if document is None or not isinstance(stored, str):
            return at(seq, "record altered: it is no longer a valid evidence record")
        claimed_prev = document["prev_hash"]
        recomputed = hashlib.sha256(hash_bytes(claimed_prev) + body.encode()).hexdigest()
        if recomputed != stored:
            return at(seq, "record altered: its content no longer matches its hash")
        if document.get("run_id") != self.run_id:
            return at(
                seq,
                f"record moved: it was written as seq {document.get('seq')!r} of "
                f"run {document.get('run_id')!r}",
            )
        if claimed_prev != self.prev_hex:
            return self._misplaced(conn, seq, claimed_prev, at)
        if document.get("seq") != seq:
            return at(seq, f"record renumbered: it was written as seq {document.get('seq')!r}")
        return at(seq, "record altered: it is not in the canonical form it was hashed in")

    def _misplaced(
        self,
        conn: sqlite3.Connection,
        seq: int,
        claimed_prev: str,
        at: Callable[[int, str], ChainBreak],
    ) -> ChainBreak:
        """An intact record in the wrong place: find the record it was chained after."""
        if claimed_prev == GENESIS_HASH:
            return at(
                seq,
                "records reordered or inserted: the record at this seq was hashed "
                "as the run's first record",
            )
        row = conn.execute(
            f"SELECT seq FROM {TABLE} WHERE run_id = ? AND hash = ?", (self.run_id, claimed_prev)
        ).fetchone()
        if row is None:
            return at(
                seq,
                "chain broken: the record it was chained after is no longer in the "
                "run (deleted or replaced)",
            )
        linked = row[0]
        if linked < seq - 1:
            first = linked + 1
            span = f"seq {first}" if first == seq - 1 else f"seqs {first}-{seq - 1}"
            return at(
                first,
                f"record inserted: {span} did not exist when seq {seq} was "
                f"written (it was chained after seq {linked})",
            )
        return at(seq, f"records reordered: the record at seq {seq} was chained after seq {linked}")


def _record_document(body: Any) -> dict[str, Any] | None:
    """The parsed body, if it is text holding an object with a well-formed ``prev_hash``."""
    if not isinstance(body, str):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict) or len(hash_bytes(document.get("prev_hash"))) != HASH_BYTES:
        return None
    return document


def _diagnose_store(gseq: Any, expected: int) -> ChainBreak:
    if isinstance(gseq, int) and gseq > expected:
        missing = str(expected) if gseq == expected + 1 else f"{expected}-{gseq - 1}"
        return ChainBreak(
            None,
            None,
            expected,
            f"records {missing} of the store-wide sequence are missing "
            "(deleted records or whole runs)",
        )
    return ChainBreak(
        None, None, expected, "store-wide chain broken (records altered, inserted or reordered)"
    )


def _stream(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


@contextmanager
def read_only_store(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an existing store (verification never creates or repairs)."""
    if not path.is_file():
        raise DataValidationError.single(str(path), None, None, "no evidence store here")
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(open_read_only(path, f"SELECT 1 FROM {TABLE} LIMIT 1"))
        except sqlite3.DatabaseError as error:
            raise DataValidationError.single(
                str(path), None, None, f"not an evidence store ({error})"
            ) from error
        yield conn


def _guards_intact(conn: sqlite3.Connection) -> bool:
    found = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (TABLE,)
        ).fetchall()
    )
    return all(
        _normalized(found.get(name) or "") == _normalized(sql) for name, sql in GUARDS.items()
    )


def _normalized(sql: str) -> str:
    return " ".join(sql.split())
