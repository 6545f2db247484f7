"""Tampering with a stored run is detected, and the first bad seq is named.

Each test first removes the append-only triggers (an attacker with the file can), then edits,
deletes, reorders or forges rows directly in SQLite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.evidence import EvidenceStore, verify_all, verify_run
from tests.evidence.conftest import fill_run, stored_body, tamper

RUN = "hh-1-20250102-1"
OTHER = "hh-2-20250102-1"
RECORDS = 6


@pytest.fixture
def filled(store: EvidenceStore) -> EvidenceStore:
    fill_run(store, RUN, RECORDS)
    fill_run(store, OTHER, 3)
    return store


def _shift_seqs_up(path: Path, run_id: str, from_seq: int) -> None:
    """Make room at ``from_seq`` (highest first, so UNIQUE(run_id, seq) holds throughout)."""
    for seq in range(RECORDS, from_seq - 1, -1):
        tamper(
            path,
            ("UPDATE evidence SET seq = ? WHERE run_id = ? AND seq = ?", (seq + 1, run_id, seq)),
        )


def test_intact_store_verifies(filled: EvidenceStore) -> None:
    run = verify_run(filled.path, RUN)
    everything = verify_all(filled.path)
    assert run.ok and run.records == RECORDS and run.head == filled.head(RUN)
    assert everything.ok and everything.records == RECORDS + 3 and everything.runs == 2
    assert everything.heads == {RUN: filled.head(RUN), OTHER: filled.head(OTHER)}
    assert run.guards_intact and everything.guards_intact


def test_triggers_refuse_update_and_delete(filled: EvidenceStore) -> None:
    conn = sqlite3.connect(filled.path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only: UPDATE refused"):
            conn.execute("UPDATE evidence SET body = '{}' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only: DELETE refused"):
            conn.execute("DELETE FROM evidence WHERE seq = 1")
    finally:
        conn.close()
    assert verify_run(filled.path, RUN).ok


def test_edited_output_byte_is_detected_at_its_seq(filled: EvidenceStore) -> None:
    body = stored_body(filled.path, RUN, 3)
    edited = body.replace('"amount":1236.5', '"amount":1237.5')
    assert edited != body
    intact_head = filled.records(RUN)[1].hash
    tamper(
        filled.path, ("UPDATE evidence SET body = ? WHERE run_id = ? AND seq = 3", (edited, RUN))
    )
    result = verify_run(filled.path, RUN)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "altered" in result.breaks[0].problem
    assert result.head == intact_head  # the last record still known good: seq 2
    assert verify_run(filled.path, OTHER).ok


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seq=st.integers(1, RECORDS),
    position=st.floats(0, 1, exclude_max=True),
    replacement=st.sampled_from('0123456789abcxyz{}[]":, '),
)
def test_any_single_character_edit_is_detected_at_its_seq(
    tmp_path_factory: pytest.TempPathFactory, seq: int, position: float, replacement: str
) -> None:
    path = tmp_path_factory.mktemp("edit") / "evidence.sqlite"
    with EvidenceStore(path, code_version="test") as store:
        fill_run(store, RUN, RECORDS)
    body = stored_body(path, RUN, seq)
    index = int(position * len(body))
    if body[index] == replacement:
        replacement = "!"
    edited = body[:index] + replacement + body[index + 1 :]
    tamper(path, ("UPDATE evidence SET body = ? WHERE run_id = ? AND seq = ?", (edited, RUN, seq)))
    for result in (verify_run(path, RUN), verify_all(path)):
        assert not result.ok
        assert result.first_bad_seq == seq


def test_edited_hash_is_detected(filled: EvidenceStore) -> None:
    tamper(
        filled.path, ("UPDATE evidence SET hash = ? WHERE run_id = ? AND seq = 4", ("ab" * 32, RUN))
    )
    assert verify_run(filled.path, RUN).first_bad_seq == 4


def test_deleted_record_is_detected(filled: EvidenceStore) -> None:
    tamper(filled.path, ("DELETE FROM evidence WHERE run_id = ? AND seq = 3", (RUN,)))
    result = verify_run(filled.path, RUN)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "missing" in result.breaks[0].problem
    everything = verify_all(filled.path)
    assert everything.first_bad_seq == 3
    assert any(b.run_id is None and "missing" in b.problem for b in everything.breaks)


def test_deleted_record_with_later_seqs_renumbered_is_detected(filled: EvidenceStore) -> None:
    statements = [("DELETE FROM evidence WHERE run_id = ? AND seq = 3", (RUN,))]
    statements += [
        ("UPDATE evidence SET seq = ? WHERE run_id = ? AND seq = ?", (seq - 1, RUN, seq))
        for seq in range(4, RECORDS + 1)
    ]
    tamper(filled.path, *statements)
    result = verify_run(filled.path, RUN)
    assert result.first_bad_seq == 3
    assert "no longer in the run" in result.breaks[0].problem


def test_swapped_records_are_detected(filled: EvidenceStore) -> None:
    tamper(
        filled.path,
        ("UPDATE evidence SET seq = -1 WHERE run_id = ? AND seq = 3", (RUN,)),
        ("UPDATE evidence SET seq = 3 WHERE run_id = ? AND seq = 4", (RUN,)),
        ("UPDATE evidence SET seq = 4 WHERE run_id = ? AND seq = -1", (RUN,)),
    )
    result = verify_run(filled.path, RUN)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "reordered" in result.breaks[0].problem
    assert verify_all(filled.path).first_bad_seq == 3


def test_swapped_bodies_and_hashes_are_detected(filled: EvidenceStore) -> None:
    """Exchanging whole contents keeps every stored hash valid for its own body."""
    conn = sqlite3.connect(filled.path)
    rows = {
        seq: (body, record_hash)
        for seq, body, record_hash in conn.execute(
            "SELECT seq, body, hash FROM evidence WHERE run_id = ? AND seq IN (2, 5)", (RUN,)
        )
    }
    conn.close()
    tamper(
        filled.path,
        *[
            (
                "UPDATE evidence SET body = ?, hash = ? WHERE run_id = ? AND seq = ?",
                (*rows[source], RUN, target),
            )
            for source, target in ((2, 5), (5, 2))
        ],
    )
    result = verify_run(filled.path, RUN)
    assert result.first_bad_seq == 2
    assert "reordered" in result.breaks[0].problem


def test_forged_record_inserted_in_the_middle_is_detected(filled: EvidenceStore) -> None:
    """The forger knows the format: the forged record itself hashes correctly."""
    previous = filled.records(RUN)[1]  # seq 2
    forged = {
        **previous.document(),
        "seq": 3,
        "outputs": {"approved_by": "mallory"},
        "prev_hash": previous.hash,
    }
    del forged["hash"]
    body = rfc8785.dumps(forged)
    forged_hash = hashlib.sha256(bytes.fromhex(previous.hash) + body).hexdigest()
    _shift_seqs_up(filled.path, RUN, 3)
    tamper(
        filled.path,
        (
            "INSERT INTO evidence (gseq, run_id, seq, body, hash, global_hash) "
            "VALUES ((SELECT MAX(gseq) + 1 FROM evidence), ?, 3, ?, ?, ?)",
            (RUN, body.decode(), forged_hash, "00" * 32),
        ),
    )
    result = verify_run(filled.path, RUN)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "inserted" in result.breaks[0].problem
    assert result.head == forged_hash  # the forgery itself chains; seq 4 exposes it
    everything = verify_all(filled.path)
    assert everything.first_bad_seq == 3
    assert any(b.run_id is None for b in everything.breaks)


def test_clumsy_forgery_is_detected_at_its_own_seq(filled: EvidenceStore) -> None:
    body = json.dumps({"run_id": RUN, "seq": 3, "outputs": "forged"})
    _shift_seqs_up(filled.path, RUN, 3)
    tamper(
        filled.path,
        (
            "INSERT INTO evidence (gseq, run_id, seq, body, hash, global_hash) "
            "VALUES (1000, ?, 3, ?, ?, ?)",
            (RUN, body, "11" * 32, "22" * 32),
        ),
    )
    result = verify_run(filled.path, RUN)
    assert result.first_bad_seq == 3
    assert "altered" in result.breaks[0].problem


def test_record_moved_to_another_run_is_detected_in_both(filled: EvidenceStore) -> None:
    tamper(
        filled.path,
        ("UPDATE evidence SET run_id = ?, seq = 4 WHERE run_id = ? AND seq = 2", (OTHER, RUN)),
    )
    assert verify_run(filled.path, RUN).first_bad_seq == 2
    moved = verify_run(filled.path, OTHER)
    assert moved.first_bad_seq == 4
    assert f"seq 2 of run {RUN!r}" in moved.breaks[0].problem
    everything = verify_all(filled.path)
    assert {(b.run_id, b.seq) for b in everything.breaks} >= {(RUN, 2), (OTHER, 4)}


def test_renamed_run_is_detected(filled: EvidenceStore) -> None:
    """Every hash still chains; only the hashed run_id tells the rows were relabelled."""
    tamper(filled.path, ("UPDATE evidence SET run_id = 'renamed' WHERE run_id = ?", (RUN,)))
    result = verify_run(filled.path, "renamed")
    assert result.first_bad_seq == 1
    assert f"record moved: it was written as seq 1 of run {RUN!r}" in result.breaks[0].problem
    assert verify_all(filled.path).first_bad_seq == 1


def test_truncated_run_needs_the_store_sequence_or_an_anchor(filled: EvidenceStore) -> None:
    """A run cut short still chains; the store-wide sequence and anchors expose it."""
    cited_head = filled.head(RUN)
    tamper(filled.path, ("DELETE FROM evidence WHERE run_id = ? AND seq = ?", (RUN, RECORDS)))
    assert verify_run(filled.path, RUN).ok  # a chain alone cannot see a missing tail
    anchored = verify_run(filled.path, RUN, anchor=cited_head)
    assert not anchored.ok and anchored.anchor_found is False
    assert not verify_all(filled.path).ok  # OTHER's records were appended after it


def test_anchor_inside_the_chain_passes(filled: EvidenceStore) -> None:
    mid_run_head = filled.records(RUN)[2].hash
    result = verify_run(filled.path, RUN, anchor=mid_run_head)
    assert result.ok and result.anchor_found is True


def test_deleted_run_is_detected_only_store_wide(filled: EvidenceStore) -> None:
    tamper(filled.path, ("DELETE FROM evidence WHERE run_id = ?", (RUN,)))
    assert verify_run(filled.path, OTHER).ok
    everything = verify_all(filled.path)
    assert not everything.ok
    assert everything.breaks[0].run_id is None
    assert "1-6 of the store-wide sequence are missing" in everything.breaks[0].problem


def test_removed_or_disarmed_guards_are_reported(filled: EvidenceStore) -> None:
    tamper(filled.path)  # drops both triggers, changes nothing else
    assert not verify_run(filled.path, RUN).guards_intact
    assert verify_run(filled.path, RUN).ok  # the records themselves are intact

    conn = sqlite3.connect(filled.path)
    conn.execute("CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence BEGIN SELECT 1; END")
    conn.execute("CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    assert not verify_all(filled.path).guards_intact


def test_reopening_a_store_does_not_restore_removed_guards(filled: EvidenceStore) -> None:
    tamper(filled.path)
    with EvidenceStore(filled.path, code_version="test") as reopened:
        reopened.append(RUN, "execute", "execution", {}, {"orders": 0})
    assert not verify_run(filled.path, RUN).guards_intact


def test_unparsable_body_is_reported_not_raised(filled: EvidenceStore) -> None:
    tamper(
        filled.path, ("UPDATE evidence SET body = 'not json' WHERE run_id = ? AND seq = 5", (RUN,))
    )
    result = verify_run(filled.path, RUN)
    assert result.first_bad_seq == 5
    assert "no longer a valid evidence record" in result.breaks[0].problem
