"""The store: sequencing, hashing, reading back, atomic batches, redaction before writing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
import threading
from pathlib import Path

import pytest
import rfc8785

from agent.evidence import (
    EVIDENCE_KINDS,
    GENESIS_HASH,
    EvidenceEntry,
    EvidenceStore,
    LLMCall,
    inputs_digest,
    verify_all,
    verify_run,
)
from tests.evidence.conftest import CODE_VERSION, POLICY_VERSION, StepClock, fill_run
from tools.errors import DataValidationError

SECRET = "sk-proj-Zx81QmT4vLr2Nw9aB7cD3eF5"


def test_append_numbers_records_per_run_and_chains_them(store: EvidenceStore) -> None:
    first = store.append("run-a", "perceive", "input_snapshot", {"k": 1}, {"files": 6})
    other = store.append("run-b", "perceive", "input_snapshot", {}, None)
    second = store.append("run-a", "reason", "planner_decision", {}, {"plan": ["harvest"]})
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.prev_hash == GENESIS_HASH == other.prev_hash
    assert second.prev_hash == first.hash
    assert store.head("run-a") == second.hash
    assert store.head("run-b") == other.hash
    assert store.head("run-unknown") is None
    assert store.runs() == ["run-a", "run-b"]


def test_hash_is_sha256_of_previous_hash_bytes_and_rfc8785_record(store: EvidenceStore) -> None:
    """Anyone holding an export can recompute the chain with hashlib and rfc8785 alone."""
    records = fill_run(store, "run-a", 3)
    previous = GENESIS_HASH
    for record in records:
        document = record.document()
        stored_hash = document.pop("hash")
        expected = hashlib.sha256(bytes.fromhex(previous) + rfc8785.dumps(document)).hexdigest()
        assert stored_hash == expected
        previous = stored_hash


def test_records_read_back_equal_what_append_returned(store: EvidenceStore) -> None:
    written = fill_run(store, "run-a", 7)
    assert store.records("run-a") == written
    assert store.records("run-missing") == []


def test_record_fields(store: EvidenceStore) -> None:
    record = store.append(
        "run-a",
        "evaluate",
        "check",
        inputs={"b": 2, "a": 1},
        outputs={"passed": True, "te": 0.0123},
        policy_version=POLICY_VERSION,
        checkpoint_id="1ef-abc",
    )
    assert record.timestamp == "2025-01-02T14:30:00.000000Z"
    assert record.code_version == CODE_VERSION
    assert record.policy_version == POLICY_VERSION
    assert record.checkpoint_id == "1ef-abc"
    assert record.llm is None
    assert record.outputs == {"passed": True, "te": 0.0123}
    assert record.inputs_digest == hashlib.sha256(b'{"a":1,"b":2}').hexdigest()
    assert record.inputs_digest == inputs_digest({"a": 1, "b": 2})


def test_inputs_digest_is_taken_after_redaction(store: EvidenceStore) -> None:
    """Secrets never influence stored data, and callers can recompute the digest."""
    inputs = {"prompt": f"use {SECRET}", "api_key": SECRET}
    record = store.append("run-a", "reason", "llm_call", inputs, None)
    assert record.inputs_digest == inputs_digest(inputs)
    redacted = b'{"api_key":"[REDACTED]","prompt":"use [REDACTED]"}'
    assert record.inputs_digest == hashlib.sha256(redacted).hexdigest()


def test_timestamps_come_from_the_injected_clock_in_utc(store_path: Path) -> None:
    eastern = dt.timezone(dt.timedelta(hours=-5))
    clock = StepClock(dt.datetime(2025, 3, 4, 9, 0, 0, 250000, tzinfo=eastern))
    with EvidenceStore(store_path, clock=clock, code_version="test") as store:
        first = store.append("run", "perceive", "input_snapshot", {}, {})
        second = store.append("run", "reason", "planner_decision", {}, {})
    assert first.timestamp == "2025-03-04T14:00:00.250000Z"
    assert second.timestamp == "2025-03-04T14:00:01.250000Z"


def test_a_naive_clock_is_refused(store_path: Path) -> None:
    with EvidenceStore(
        store_path, clock=lambda: dt.datetime(2025, 1, 2), code_version="test"
    ) as store:
        with pytest.raises(ValueError, match="timezone-aware"):
            store.append("run", "perceive", "input_snapshot", {}, {})
        assert store.runs() == []


def test_find_filters_by_kind_and_node(store: EvidenceStore) -> None:
    fill_run(store, "run-a", 10)
    checks = store.find("run-a", kind="check")
    assert [r.seq for r in checks] == [4, 9]
    evaluate = store.find("run-a", node="evaluate")
    assert [r.seq for r in evaluate] == [3, 4, 8, 9]
    assert [r.seq for r in store.find("run-a", kind="tool_call", node="evaluate")] == [3, 8]
    assert store.find("run-a", kind="approval") == []


def test_every_kind_can_be_recorded_and_found(store: EvidenceStore) -> None:
    for kind in EVIDENCE_KINDS:
        store.append("run-a", "graph", kind, {}, {"kind": kind})
    for seq, kind in enumerate(EVIDENCE_KINDS, start=1):
        assert [(r.seq, r.outputs) for r in store.find("run-a", kind=kind)] == [
            (seq, {"kind": kind})
        ]


def test_append_many_spans_runs_in_one_transaction(store: EvidenceStore) -> None:
    store.append("run-a", "perceive", "input_snapshot", {}, {})
    records = store.append_many(
        [
            EvidenceEntry(run_id="run-a", node="reason", kind="planner_decision", outputs=1),
            EvidenceEntry(run_id="run-b", node="perceive", kind="input_snapshot", outputs=2),
            EvidenceEntry(run_id="run-a", node="evaluate", kind="check", outputs=3),
        ]
    )
    assert [(r.run_id, r.seq) for r in records] == [("run-a", 2), ("run-b", 1), ("run-a", 3)]
    assert records[2].prev_hash == records[0].hash
    assert verify_all(store.path).ok
    assert store.append_many([]) == []


def test_a_failing_batch_writes_nothing(store: EvidenceStore) -> None:
    store.append("run-a", "perceive", "input_snapshot", {}, {})
    head = store.head("run-a")
    with pytest.raises(TypeError, match="cannot record 'object' values"):
        store.append_many(
            [
                EvidenceEntry(run_id="run-a", node="reason", kind="planner_decision", outputs=1),
                EvidenceEntry(run_id="run-a", node="evaluate", kind="check", outputs=object()),
            ]
        )
    assert store.head("run-a") == head
    assert len(store.records("run-a")) == 1


def test_unknown_kind_is_refused(store: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="kind"):
        store.append("run-a", "perceive", "snapshot", {}, {})  # type: ignore[arg-type]


def test_secrets_are_redacted_before_they_reach_the_file(store_path: Path) -> None:
    with EvidenceStore(store_path, code_version="test") as store:
        record = store.append(
            "run-a",
            "reason",
            "llm_call",
            inputs={"api_key": SECRET},
            outputs={"headers": {"Authorization": f"Bearer {SECRET}"}, "note": f"key {SECRET}"},
            llm=LLMCall(
                model="gpt-4o",
                prompt=[{"role": "user", "content": f"use {SECRET}"}],
                response="done",
                tool_calls=[{"args": {"token": "abc123"}}],
            ),
        )
    assert SECRET not in record.model_dump_json()
    assert record.llm is not None
    assert record.llm.prompt == [{"role": "user", "content": "use [REDACTED]"}]
    assert record.llm.tool_calls == [{"args": {"token": "[REDACTED]"}}]
    for file in store_path.parent.iterdir():
        assert SECRET.encode() not in file.read_bytes(), file.name
        assert b"abc123" not in file.read_bytes(), file.name


def test_store_uses_wal_and_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "evidence.sqlite"
    with EvidenceStore(path, code_version="test"):
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        conn.close()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_text("this is not a database, it is a text file\n" * 20)
    with pytest.raises(DataValidationError, match=r"garbage\.sqlite: not an evidence store"):
        EvidenceStore(garbage, code_version="test")


def test_default_code_version_is_the_package_version_with_an_optional_commit(
    store_path: Path,
) -> None:
    with EvidenceStore(store_path) as store:
        record = store.append("run", "perceive", "input_snapshot", {}, {})
    assert re.fullmatch(r"\d+\.\d+\.\d+(\+g[0-9a-f]{12})?", record.code_version)


def test_run_summaries_count_records_and_name_heads(store: EvidenceStore) -> None:
    fill_run(store, "run-b", 4)
    fill_run(store, "run-a", 2)
    summaries = store.run_summaries()
    assert [(s.run_id, s.records, s.last_seq) for s in summaries] == [
        ("run-b", 4, 4),
        ("run-a", 2, 2),
    ]
    assert summaries[0].head == store.head("run-b")
    assert summaries[0].last_timestamp == "2025-01-02T14:30:03.000000Z"


def test_threads_sharing_a_store_keep_one_valid_chain(store_path: Path) -> None:
    per_thread = 40
    with EvidenceStore(store_path, code_version="test") as store:

        def write(name: str) -> None:
            for index in range(per_thread):
                store.append("shared", name, "tool_call", {"i": index}, {"writer": name})

        threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seqs = [record.seq for record in store.records("shared")]
    assert seqs == list(range(1, 3 * per_thread + 1))
    assert verify_run(store_path, "shared").ok
