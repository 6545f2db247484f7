"""The append-only evidence store (SQLite), separate from LangGraph's mutable checkpoints.

Each append batch is one ``BEGIN IMMEDIATE`` transaction: SQLite admits one writer at a time
across processes, so reading a run's tail and writing its next records cannot interleave with
another writer and chains never fork. Content is converted, redacted and digested before the
write lock is taken; only sequencing and hashing happen inside it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from agent.evidence.chain import GENESIS_HASH, canonical_json, digest, global_link_hash, link_hash
from agent.evidence.jsonable import to_jsonable
from agent.evidence.records import EvidenceEntry, EvidenceKind, EvidenceRecord, LLMCall
from agent.evidence.redact import redact
from agent.evidence.schema import EVIDENCE_FILE, SCHEMA_STATEMENTS, TABLE
from agent.evidence.version import code_version as current_code_version
from tools.errors import DataValidationError

Clock = Callable[[], dt.datetime]
# Told of every committed batch: its records and the store-wide tip after it.
AppendListener = Callable[[Sequence[EvidenceRecord], "StoreTip"], None]
BUSY_TIMEOUT_SECONDS = 60.0

_INSERT = (
    f"INSERT INTO {TABLE} (gseq, run_id, seq, body, hash, global_hash) VALUES (?, ?, ?, ?, ?, ?)"
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def format_timestamp(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds and "Z", e.g. ``2025-01-02T03:04:05.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("the evidence clock must return timezone-aware datetimes")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def evidence_path(state_dir: Path) -> Path:
    """Where a data directory's evidence lives, given its state directory (``DIR/.lotwise``)."""
    return state_dir / EVIDENCE_FILE


def unknown_run(path: Path, run_id: str) -> DataValidationError:
    return DataValidationError.single(
        str(path), None, "run_id", f"no evidence records for run {run_id!r}"
    )


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    records: int
    last_seq: int  # equals ``records`` unless rows were removed behind the store's back
    head: str
    last_timestamp: str | None  # None when the last record's body is not valid JSON


@dataclass(frozen=True)
class StoreTip:
    """The store-wide chain's length and head: what the run store, orders files and witness
    files keep so that records removed from the end of the log are noticed."""

    records: int  # the last gseq (0 for an empty store)
    head: str  # its global hash (the genesis value for an empty store)

    def document(self) -> dict[str, Any]:
        return {"records": self.records, "head": self.head}


@dataclass(frozen=True)
class _Prepared:
    """An entry's content in its final, redacted JSON form, ready to be sequenced."""

    entry: EvidenceEntry
    inputs_digest: str
    outputs: Any
    llm: Any


class EvidenceStore:
    """Append-only, hash-chained evidence records of review runs.

    One connection per store object, shared by threads under a lock; open one store per
    process. Use as a context manager or call ``close()``. ``on_append`` is told of every
    committed batch (the review keeps the chain heads in its run store with it).
    """

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock = utc_now,
        code_version: str | None = None,
        on_append: AppendListener | None = None,
    ) -> None:
        self.path = path
        self._clock = clock
        self._on_append = on_append
        self._code_version = code_version or current_code_version()
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a crash of the process never loses or corrupts a committed
            # record; only an OS crash or power loss can drop the last commits.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._create_schema_if_new()
        except sqlite3.DatabaseError as error:
            self._conn.close()
            raise DataValidationError.single(
                str(path), None, None, f"not an evidence store ({error})"
            ) from error

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _create_schema_if_new(self) -> None:
        """Create tables and guards in a new file; never touch an existing store's schema.

        Re-creating missing guard triggers would hide that someone removed them; verification
        reports it instead.
        """
        if self._table_exists():
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if not self._table_exists():  # another process may have created it meanwhile
                for statement in SCHEMA_STATEMENTS:
                    self._conn.execute(statement)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def _table_exists(self) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
        ).fetchone()
        return row is not None

    # -- writing ---------------------------------------------------------------------------

    def append(
        self,
        run_id: str,
        node: str,
        kind: EvidenceKind,
        inputs: Any,
        outputs: Any,
        *,
        policy_version: str | None = None,
        checkpoint_id: str | None = None,
        llm: LLMCall | None = None,
    ) -> EvidenceRecord:
        """Record one event at the end of ``run_id``'s chain; returns it with seq and hash."""
        entry = EvidenceEntry(
            run_id=run_id,
            node=node,
            kind=kind,
            inputs=inputs,
            outputs=outputs,
            policy_version=policy_version,
            checkpoint_id=checkpoint_id,
            llm=llm,
        )
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[EvidenceEntry]) -> list[EvidenceRecord]:
        """Record several events (any runs) in one transaction: all are written or none."""
        prepared = [_prepare(entry) for entry in entries]
        if not prepared:
            return []
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                records, rows = self._sequence(prepared)
                self._conn.executemany(_INSERT, rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        if self._on_append is not None:
            last = rows[-1]
            self._on_append(records, StoreTip(records=last[0], head=last[5]))
        return records

    def _sequence(
        self, prepared: list[_Prepared]
    ) -> tuple[list[EvidenceRecord], list[tuple[Any, ...]]]:
        """Give each entry its seq, timestamp and hashes, continuing the stored chains."""
        gseq, global_hash = self._conn.execute(
            f"SELECT gseq, global_hash FROM {TABLE} ORDER BY gseq DESC LIMIT 1"
        ).fetchone() or (0, GENESIS_HASH)
        tails: dict[str, tuple[int, str]] = {}
        records: list[EvidenceRecord] = []
        rows: list[tuple[Any, ...]] = []
        for item in prepared:
            entry = item.entry
            if entry.run_id not in tails:
                tails[entry.run_id] = self._tail(entry.run_id)
            last_seq, prev_hash = tails[entry.run_id]
            document = {
                "run_id": entry.run_id,
                "seq": last_seq + 1,
                "timestamp": format_timestamp(self._clock()),
                "node": entry.node,
                "kind": entry.kind,
                "inputs_digest": item.inputs_digest,
                "outputs": item.outputs,
                "policy_version": entry.policy_version,
                "code_version": self._code_version,
                "checkpoint_id": entry.checkpoint_id,
                "llm": item.llm,
                "prev_hash": prev_hash,
            }
            body = canonical_json(document)
            record_hash = link_hash(prev_hash, body)
            gseq += 1
            global_hash = global_link_hash(global_hash, record_hash)
            tails[entry.run_id] = (last_seq + 1, record_hash)
            # Built from the stored bytes, so it equals what ``records`` will read back
            # (object keys in canonical order).
            records.append(EvidenceRecord.model_validate({**json.loads(body), "hash": record_hash}))
            rows.append(
                (gseq, entry.run_id, last_seq + 1, body.decode("utf-8"), record_hash, global_hash)
            )
        return records, rows

    def _tail(self, run_id: str) -> tuple[int, str]:
        row = self._conn.execute(
            f"SELECT seq, hash FROM {TABLE} WHERE run_id = ? ORDER BY seq DESC LIMIT 1",
            (run_id,),
        ).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    # -- reading ---------------------------------------------------------------------------

    def records(self, run_id: str) -> list[EvidenceRecord]:
        """The run's records in seq order (empty for an unknown run)."""
        return self.find(run_id)

    def find(
        self, run_id: str, kind: EvidenceKind | None = None, node: str | None = None
    ) -> list[EvidenceRecord]:
        """The run's records of one kind and/or node, in seq order."""
        query = f"SELECT seq, body, hash FROM {TABLE} WHERE run_id = ?"
        args: list[Any] = [run_id]
        if kind is not None:
            query += f" AND {_body_field('kind')} = ?"
            args.append(kind)
        if node is not None:
            query += f" AND {_body_field('node')} = ?"
            args.append(node)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY seq", args).fetchall()
        return [self._parse(run_id, seq, body, record_hash) for seq, body, record_hash in rows]

    def tip(self) -> StoreTip:
        """The store-wide chain's current length and head."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT gseq, global_hash FROM {TABLE} ORDER BY gseq DESC LIMIT 1"
            ).fetchone()
        return StoreTip(*row) if row else StoreTip(0, GENESIS_HASH)

    def head(self, run_id: str) -> str | None:
        """Hash of the run's last record: what a proposal cites (``None`` for no records)."""
        with self._lock:
            last_seq, last_hash = self._tail(run_id)
        return last_hash if last_seq else None

    def runs(self) -> list[str]:
        """Run ids in the order their first record was appended."""
        return [summary.run_id for summary in self.run_summaries()]

    def run_summaries(self) -> list[RunSummary]:
        """Per run: record count, last seq, head hash and last timestamp, first-seen order."""
        with self._lock:
            rows = self._conn.execute(
                f"""
                SELECT tail.run_id, totals.records, tail.seq, tail.hash,
                       {_body_field("timestamp", "tail.body")}
                FROM {TABLE} AS tail
                JOIN (SELECT run_id, COUNT(*) AS records, MAX(seq) AS last_seq,
                             MIN(gseq) AS first_gseq
                      FROM {TABLE} GROUP BY run_id) AS totals
                  ON tail.run_id = totals.run_id AND tail.seq = totals.last_seq
                ORDER BY totals.first_gseq
                """
            ).fetchall()
        return [RunSummary(*row) for row in rows]

    def _parse(self, run_id: str, seq: int, body: str, record_hash: str) -> EvidenceRecord:
        try:
            return EvidenceRecord.model_validate({**json.loads(body), "hash": record_hash})
        except (ValueError, TypeError) as error:
            raise DataValidationError.single(
                str(self.path),
                seq,
                "body",
                f"run {run_id}: unreadable evidence record (run 'lotwise evidence verify'): "
                f"{error}",
            ) from error


def inputs_digest(inputs: Any) -> str:
    """The ``inputs_digest`` a record of these inputs gets (to find an earlier record of them)."""
    return digest(redact(to_jsonable(inputs)))


def _prepare(entry: EvidenceEntry) -> _Prepared:
    return _Prepared(
        entry=entry,
        inputs_digest=inputs_digest(entry.inputs),
        outputs=redact(to_jsonable(entry.outputs)),
        llm=redact(to_jsonable(entry.llm)) if entry.llm is not None else None,
    )


def _body_field(name: str, column: str = "body") -> str:
    """SQL for one field of a record body (NULL, rather than an error, if it is not JSON)."""
    return f"CASE WHEN json_valid({column}) THEN json_extract({column}, '$.{name}') END"
