"""The run store: one row per review run, its proposal, decisions and orders (SQLite).

Checkpoints hold graph position; this store holds what people and reports read. Every write is
one transaction and keyed so that repeating it (a resumed node) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
"""


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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as conn:
            conn.executescript(SCHEMA)
            columns = {row["name"] for row in conn.execute("PRAGMA table_info(runs)")}
            if "requester_json" not in columns:  # a store created before identities
                conn.execute("ALTER TABLE runs ADD COLUMN requester_json TEXT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
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
            run_id = f"{household_id}-{as_of.replace('-', '')}-{attempt}"
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

    def decision(self, run_id: str) -> dict[str, Any] | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM decisions WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return {
            "by": row["decided_by"],
            "decision": row["decision"],
            "comment": row["comment"],
            "drop": json.loads(row["dropped_json"]),
            "proposal_hash": row["proposal_hash"],
            "decided_at": row["decided_at"],
        }

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
