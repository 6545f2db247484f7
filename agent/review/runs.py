"""The run store: one row per review run, its proposal, decisions and orders (SQLite).

Checkpoints hold graph position; this store holds what people and reports read. Every write is
one transaction and keyed so that repeating it (a resumed node) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.evidence.readonly import open_read_only
from agent.evidence.records import EvidenceRecord
from agent.evidence.store import StoreTip
from tools.ids import derived_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    thread_id TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    proposal_json TEXT,
    proposal_hash TEXT,
    requester_json TEXT,
    UNIQUE (household_id, as_of, attempt)
);
CREATE TABLE IF NOT EXISTS decisions (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    decided_by TEXT NOT NULL,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL,
    dropped_json TEXT NOT NULL,
    proposal_hash TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (run_id)
);
CREATE TABLE IF NOT EXISTS evaluations (
    run_id TEXT PRIMARY KEY REFERENCES runs(run_id),
    evaluation_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    order_no INTEGER NOT NULL,
    order_json TEXT NOT NULL,
    PRIMARY KEY (run_id, order_no)
);
CREATE TABLE IF NOT EXISTS run_evidence (
    run_id TEXT PRIMARY KEY REFERENCES runs(run_id),
    records INTEGER NOT NULL,
    head TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_payloads (
    run_id TEXT PRIMARY KEY REFERENCES runs(run_id),
    payload_json TEXT NOT NULL  -- the exact resume value, to re-apply after a crash
);
CREATE TABLE IF NOT EXISTS evidence_tip (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    records INTEGER NOT NULL,
    head TEXT NOT NULL
);
"""
# What ``evidence verify`` reads of the evidence each run wrote (see ``note_evidence``).
_EVIDENCE_TABLES = ("run_evidence", "evidence_tip")


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    household_id: str
    as_of: str
    attempt: int
    thread_id: str
    requested_by: str
    status: str
    created_at: str
    updated_at: str
    proposal: dict[str, Any] | None
    proposal_hash: str | None
    # who requested it and how they were authenticated (agent.identity.Identity.evidence);
    # ``requested_by`` is its normal-form name. None for runs stored before identities.
    requester: dict[str, Any] | None = None


def proposal_digest(proposal: dict[str, Any]) -> str:
    """Hash of the proposal a person saw (sorted-key JSON), recorded with their decision."""
    return hashlib.sha256(json.dumps(proposal, sort_keys=True).encode()).hexdigest()


ORDER_NUMBER_ROOM = 8  # "-<order number>" of up to seven digits, appended by the orders


def run_id_for(household_id: str, as_of: str, attempt: int) -> str:
    """``<household>-<YYYYMMDD>-<attempt>``, kept within the id rule of ``tools.ids`` with
    room for the order numbers appended to it (a long household id is cut and digested)."""
    return derived_id(household_id, f"{as_of.replace('-', '')}-{attempt}", ORDER_NUMBER_ROOM)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class AlreadyDecidedError(ValueError):
    """Another decision on the run was recorded first."""

    def __init__(self, run_id: str, decision: dict[str, Any]) -> None:
        super().__init__(
            f"run {run_id} was already decided: {decision['decision']} by {decision['by']} "
            f"at {decision['decided_at']}"
        )
        self.decision = decision


class RunStore:
    """The run store; ``read_only`` opens an existing file without creating or changing it
    (what verification uses, also on a copy in a folder nobody may write)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._notes: sqlite3.Connection | None = None  # note_evidence's own connection
        self._notes_lock = threading.Lock()
        if not read_only:
            with self._connect() as conn:
                conn.executescript(SCHEMA)
                columns = {row["name"] for row in conn.execute("PRAGMA table_info(runs)")}
                if "requester_json" not in columns:  # a store created before identities
                    conn.execute("ALTER TABLE runs ADD COLUMN requester_json TEXT")
                # Write-ahead log: readers never wait for a writer, and a commit needs no
                # fsync (``synchronous=NORMAL``): a crash of the process loses nothing; an OS
                # crash or power loss can drop the last commits, never corrupt the file.
                conn.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            with open_read_only(self.path, "SELECT 1 FROM runs LIMIT 1") as conn:
                conn.row_factory = sqlite3.Row
                yield conn
            return
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=NORMAL")
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def latest(self, household_id: str, as_of: str) -> RunRecord | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT * FROM runs WHERE household_id = ? AND as_of = ? "
                "ORDER BY attempt DESC LIMIT 1",
                (household_id, as_of),
            ).fetchone()
        return _record(row) if row else None

    def create(
        self,
        household_id: str,
        as_of: str,
        requested_by: str,
        requester: dict[str, Any] | None = None,
    ) -> RunRecord:
        """A new run (attempt n+1 for this household and date) with its own thread."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            (attempt,) = conn.execute(
                "SELECT COALESCE(MAX(attempt), 0) + 1 FROM runs "
                "WHERE household_id = ? AND as_of = ?",
                (household_id, as_of),
            ).fetchone()
            run_id = run_id_for(household_id, as_of, attempt)
            now = _now()
            conn.execute(
                "INSERT INTO runs (run_id, household_id, as_of, attempt, thread_id, "
                "requested_by, status, created_at, updated_at, requester_json) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    household_id,
                    as_of,
                    attempt,
                    f"review:{run_id}",
                    requested_by,
                    "running",
                    now,
                    now,
                    json.dumps(requester) if requester is not None else None,
                ),
            )
        found = self.get(run_id)
        assert found is not None
        return found

    def get(self, run_id: str) -> RunRecord | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _record(row) if row else None

    def list(self, household_id: str | None = None, status: str | None = None) -> list[RunRecord]:
        query, args = "SELECT * FROM runs WHERE 1=1", []
        if household_id:
            query += " AND household_id = ?"
            args.append(household_id)
        if status:
            query += " AND status = ?"
            args.append(status)
        with self._connect() as conn:
            rows = conn.execute(query + " ORDER BY created_at, run_id", args).fetchall()
        return [_record(row) for row in rows]

    def save_proposal(self, run_id: str, proposal: dict[str, Any]) -> str:
        digest = proposal_digest(proposal)
        with self._connect() as conn:
            conn.execute(
                "UPDATE runs SET proposal_json = ?, proposal_hash = ?, status = ?, "
                "updated_at = ? WHERE run_id = ?",
                (json.dumps(proposal), digest, proposal["status"], _now(), run_id),
            )
        return digest

    def save_evaluation(self, run_id: str, evaluation: dict[str, Any]) -> None:
        """Store evaluate's trade list and checks (a resumed node replaces its own copy)."""
        with self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO evaluations VALUES (?, ?)", (run_id, json.dumps(evaluation))
            )

    def evaluation(self, run_id: str) -> dict[str, Any] | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT evaluation_json FROM evaluations WHERE run_id = ?", (run_id,)
            ).fetchone()
        return json.loads(row["evaluation_json"]) if row else None

    def set_status(self, run_id: str, status: str, reason: str = "") -> None:
        """Move the run (and its stored proposal) to ``status``; ``reason`` says why."""
        record = self.get(run_id)
        if record is None:
            raise KeyError(run_id)
        with self._connect() as conn:
            proposal = record.proposal
            if proposal is not None:
                proposal["status"] = status
                if reason:
                    proposal["status_reason"] = reason
                conn.execute(
                    "UPDATE runs SET proposal_json = ?, status = ?, updated_at = ? "
                    "WHERE run_id = ?",
                    (json.dumps(proposal), status, _now(), run_id),
                )
            else:
                conn.execute(
                    "UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?",
                    (status, _now(), run_id),
                )

    def record_decision(self, run_id: str, decision: dict[str, Any], proposal_hash: str) -> None:
        with self._connect() as conn:
            _insert_decision(conn, run_id, decision, proposal_hash)

    def claim_decision(
        self, run_id: str, decision: dict[str, Any], proposal_hash: str
    ) -> dict[str, Any]:
        """Record ``decision`` as the run's one decision, unless one is recorded already.

        One ``BEGIN IMMEDIATE`` transaction, so of two approvers acting at once exactly one
        wins; the other gets ``AlreadyDecidedError`` naming the winner. Returns the stored
        decision (with ``decided_at``).
        """
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT * FROM decisions WHERE run_id = ?", (run_id,)).fetchone()
            if row is not None:
                raise AlreadyDecidedError(run_id, _decision(row))
            _insert_decision(conn, run_id, decision, proposal_hash)
            conn.execute(
                "INSERT INTO decision_payloads VALUES (?, ?)", (run_id, json.dumps(decision))
            )
        stored = self.decision(run_id)
        assert stored is not None
        return stored

    def decision(self, run_id: str) -> dict[str, Any] | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM decisions WHERE run_id = ?", (run_id,)).fetchone()
        return _decision(row) if row is not None else None

    def decision_payload(self, run_id: str) -> dict[str, Any] | None:
        """The decision exactly as the graph was resumed with it (claimed decisions only)."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT payload_json FROM decision_payloads WHERE run_id = ?", (run_id,)
            ).fetchone()
        return json.loads(row["payload_json"]) if row else None

    def decisions(self) -> dict[str, dict[str, Any]]:
        """Every run's decision, by run id."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM decisions").fetchall()
        return {row["run_id"]: _decision(row) for row in rows}

    def save_orders(self, run_id: str, orders: list[dict[str, Any]]) -> bool:
        """Store the run's orders once; returns False when they were already stored."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            (existing,) = conn.execute(
                "SELECT COUNT(*) FROM orders WHERE run_id = ?", (run_id,)
            ).fetchone()
            if existing:
                return False
            conn.executemany(
                "INSERT INTO orders VALUES (?,?,?)",
                [(run_id, number, json.dumps(order)) for number, order in enumerate(orders, 1)],
            )
        return True

    def orders(self, run_id: str) -> list[dict[str, Any]]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT order_json FROM orders WHERE run_id = ? ORDER BY order_no", (run_id,)
            ).fetchall()
        return [json.loads(row["order_json"]) for row in rows]

    def all_orders(self) -> dict[str, Sequence[dict[str, Any]]]:
        """Every run's orders, by run id, in order number."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT run_id, order_json FROM orders ORDER BY run_id, order_no"
            ).fetchall()
        return {
            run_id: [json.loads(row["order_json"]) for row in group]
            for run_id, group in itertools.groupby(rows, key=lambda row: str(row["run_id"]))
        }

    # -- the evidence each run wrote -----------------------------------------------------------

    def note_evidence(self, records: Sequence[EvidenceRecord], tip: StoreTip) -> None:
        """Remember each run's evidence chain length and head, and the store-wide tip.

        Told of every append a review makes (``EvidenceStore(on_append=...)``), so that
        ``evidence verify`` notices records removed from the end of a run or of the whole log.
        Only ever moves forward (a slower concurrent writer never lowers them). Kept open
        between calls: a review appends dozens of records, and opening and closing the file
        for each would checkpoint the write-ahead log every time.
        """
        heads = {record.run_id: (record.seq, record.hash) for record in records}
        with self._notes_lock:
            if self._notes is None:
                self._notes = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                self._notes.execute("PRAGMA synchronous=NORMAL")
            with self._notes as conn:
                conn.executemany(
                    "INSERT INTO run_evidence VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE "
                    "SET records = excluded.records, head = excluded.head "
                    "WHERE excluded.records > run_evidence.records",
                    [(run_id, seq, head) for run_id, (seq, head) in heads.items()],
                )
                conn.execute(
                    "INSERT INTO evidence_tip VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "records = excluded.records, head = excluded.head "
                    "WHERE excluded.records > evidence_tip.records",
                    (tip.records, tip.head),
                )

    def evidence_heads(self) -> dict[str, tuple[int, str]]:
        """Per run: the evidence record count and head hash the review last wrote."""
        if not self._has_evidence_tables():
            return {}
        with self._connect() as conn:
            rows = conn.execute("SELECT run_id, records, head FROM run_evidence").fetchall()
        return {row["run_id"]: (row["records"], row["head"]) for row in rows}

    def evidence_tip(self) -> StoreTip | None:
        """The store-wide tip the reviews last saw (None before any review wrote evidence)."""
        if not self._has_evidence_tables():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT records, head FROM evidence_tip WHERE id = 1").fetchone()
        return StoreTip(row["records"], row["head"]) if row else None

    def _has_evidence_tables(self) -> bool:
        """False for a read-only store written before these tables existed."""
        with self._connect() as conn:
            found = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        return all(table in found for table in _EVIDENCE_TABLES)


def _insert_decision(
    conn: sqlite3.Connection, run_id: str, decision: dict[str, Any], proposal_hash: str
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO decisions VALUES (?,?,?,?,?,?,?)",
        (
            run_id,
            decision["by"],
            decision["decision"],
            decision.get("comment", ""),
            json.dumps(decision.get("drop", [])),
            proposal_hash,
            _now(),
        ),
    )


def _decision(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "by": row["decided_by"],
        "decision": row["decision"],
        "comment": row["comment"],
        "drop": json.loads(row["dropped_json"]),
        "proposal_hash": row["proposal_hash"],
        "decided_at": row["decided_at"],
    }


def _record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        run_id=row["run_id"],
        household_id=row["household_id"],
        as_of=row["as_of"],
        attempt=row["attempt"],
        thread_id=row["thread_id"],
        requested_by=row["requested_by"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        proposal=json.loads(row["proposal_json"]) if row["proposal_json"] else None,
        proposal_hash=row["proposal_hash"],
        requester=json.loads(row["requester_json"]) if row["requester_json"] else None,
    )
