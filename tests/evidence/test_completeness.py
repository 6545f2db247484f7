"""Evidence removed from the end of a run, whole runs or the whole log, and both databases
rolled back together: what ``evidence verify`` (with a witness) must catch.

Every attack drops the append-only triggers, as someone with the file would, and most put
them back afterwards so that the store looks untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from agent.evidence import audit as audit_module
from agent.evidence.schema import GUARDS
from agent.evidence.store import EvidenceStore
from agent.review.runs import RunStore
from tests.evidence.conftest import ReviewedRun, mentions, run_cli, tamper


@pytest.fixture
def copy(reviewed: ReviewedRun, tmp_path: Path) -> ReviewedRun:
    """The executed review's data directory, free to tamper with."""
    data_dir = reviewed.copy_to(tmp_path / "data")
    return ReviewedRun(data_dir=data_dir, run_id=reviewed.run_id, records=reviewed.records)


def _runs_file(run: ReviewedRun) -> Path:
    return run.data_dir / ".lotwise" / "runs.sqlite"


def _put_guards_back(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statement in GUARDS.values():
            conn.execute(statement)
        conn.commit()


def _delete_last(run: ReviewedRun, count: int) -> None:
    """Remove the run's last ``count`` records, then restore the triggers."""
    tamper(
        run.evidence_file,
        (
            "DELETE FROM evidence WHERE run_id = ? AND seq > ?",
            (run.run_id, len(run.records) - count),
        ),
    )
    _put_guards_back(run.evidence_file)


def _verify(run: ReviewedRun, *args: str) -> tuple[int, str]:
    code, out, err = run_cli("verify", *args, "--data", str(run.data_dir))
    return code, out + err


def test_the_untouched_run_verifies_with_every_cross_check(copy: ReviewedRun) -> None:
    anchor = copy.proposal["evidence"]["head_hash"]
    for args in ((copy.run_id,), ("--all",), (copy.run_id, "--anchor", anchor)):
        code, output = _verify(copy, *args)
        assert code == 0, output
        assert "verified" in output


@pytest.mark.parametrize("removed", ["approval", "execution", "every record"])
@pytest.mark.parametrize("how", ["RUN", "--all", "--anchor"])
def test_removing_the_end_of_a_run_is_detected(copy: ReviewedRun, removed: str, how: str) -> None:
    kinds: list[str] = [record.kind for record in copy.records]
    count = len(kinds) if removed == "every record" else len(kinds) - kinds.index(removed)
    _delete_last(copy, count)
    args = {
        "RUN": (copy.run_id,),
        "--all": ("--all",),
        "--anchor": (copy.run_id, "--anchor", copy.proposal["evidence"]["head_hash"]),
    }[how]
    if removed == "every record" and how == "--anchor":
        args = (copy.run_id,)  # an anchor is meaningless for a run with no records

    code, output = _verify(copy, *args)

    assert code == 1, output
    assert mentions(output, "FAILED: missing:")
    expected = len(kinds) - count
    assert mentions(output, f"lists {len(kinds)} evidence records") or mentions(
        output, f"lists it with {len(kinds)} evidence records"
    )
    assert expected == 0 or mentions(output, f"the log has {expected}")


@pytest.mark.parametrize("count", range(1, 4))
def test_any_suffix_of_the_log_is_detected_even_with_the_run_store_edited(
    copy: ReviewedRun, count: int
) -> None:
    """The attacker also deletes the run store's own record of the chain heads, its
    decisions and orders: the orders files still name the tip the log reached."""
    _delete_last(copy, count)
    with closing(sqlite3.connect(_runs_file(copy))) as conn:
        for table in ("run_evidence", "evidence_tip", "orders", "decisions"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("UPDATE runs SET status = 'pending_approval'")
        conn.commit()

    code, output = _verify(copy, "--all")

    assert code == 1, output
    assert mentions(output, f"orders file {copy.run_id}.json")


def test_removing_the_only_run_is_not_verified_as_an_empty_store(copy: ReviewedRun) -> None:
    """Before: "verified 0 records in 0 runs", exit 0."""
    tamper(copy.evidence_file, ("DELETE FROM evidence", ()))
    _put_guards_back(copy.evidence_file)

    code, output = _verify(copy, "--all")

    assert code == 1, output
    assert "verified 0 records" not in output
    assert mentions(output, "the run store holds")
    assert mentions(output, f"run {copy.run_id}: the run store lists it with")


def test_deleting_the_whole_log_file_is_missing_evidence_not_bad_input(copy: ReviewedRun) -> None:
    copy.evidence_file.unlink()

    code, output = _verify(copy, "--all")

    assert code == 1, output
    assert mentions(output, "the evidence log evidence.sqlite is missing; the run store lists 1")


def test_each_status_decision_and_order_needs_its_record(copy: ReviewedRun) -> None:
    """Records removed from the middle with the run rewritten around them would break the
    chain; here the run store says more happened than the log shows (a second decision row
    and orders of a run whose log was rebuilt without them)."""
    with closing(sqlite3.connect(_runs_file(copy))) as conn:
        conn.execute("UPDATE decisions SET decided_by = 'mallory'")
        conn.commit()

    code, output = _verify(copy, copy.run_id)

    assert code == 1, output
    assert mentions(output, "the decision (approved by mallory) has no approval record")


def test_the_cross_check_is_what_catches_a_removed_suffix(
    copy: ReviewedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switched off, the removed suffix passes again: the chains alone cannot see it."""
    monkeypatch.setattr(audit_module, "cross_check", lambda *args, **kwargs: [])
    _delete_last(copy, 2)

    code, output = _verify(copy, copy.run_id)

    assert code == 0, output


def _backup(source: Path, destination: Path) -> None:
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(destination)) as c:
        original.backup(c)


def _append_note(run: ReviewedRun, note: str) -> None:
    """One more record, noted in the run store as a review's appends are."""
    runs = RunStore(_runs_file(run))
    with EvidenceStore(run.evidence_file, on_append=runs.note_evidence) as store:
        store.append("later-run", "note", "error", {"note": note}, {"note": note})


def test_a_witness_catches_both_databases_rolled_back_together(
    copy: ReviewedRun, tmp_path: Path
) -> None:
    witness = tmp_path / "elsewhere" / "witness.jsonl"
    saved = {name: tmp_path / name for name in ("evidence.sqlite", "runs.sqlite")}
    _backup(copy.evidence_file, saved["evidence.sqlite"])
    _backup(_runs_file(copy), saved["runs.sqlite"])
    assert run_cli("witness", "--data", str(copy.data_dir), "--to", str(witness))[0] == 0
    _append_note(copy, "after the first witness")
    code, out, _ = run_cli("witness", "--data", str(copy.data_dir), "--to", str(witness))
    assert code == 0 and "witnessed" in out
    lines = [json.loads(line) for line in witness.read_text().splitlines()]
    assert [line["records"] for line in lines] == [len(copy.records), len(copy.records) + 1]

    _backup(saved["evidence.sqlite"], copy.evidence_file)  # both rolled back, consistently
    _backup(saved["runs.sqlite"], _runs_file(copy))

    assert _verify(copy, "--all")[0] == 0  # nothing inside the folder can tell
    code, output = _verify(copy, "--all", "--witness", str(witness))
    assert code == 1, output
    assert mentions(output, f"holds {len(copy.records) + 1} records but the log has")

    _append_note(copy, "a different record in its place")
    code, output = _verify(copy, copy.run_id, "--witness", str(witness))
    assert code == 1, output
    assert mentions(output, "the log diverges from the witness of")


def test_witness_refuses_a_store_that_does_not_verify(copy: ReviewedRun, tmp_path: Path) -> None:
    witness = tmp_path / "witness.jsonl"
    _delete_last(copy, 1)

    code, _, err = run_cli("witness", "--data", str(copy.data_dir), "--to", str(witness))

    assert code == 1
    assert mentions(err, "nothing witnessed")
    assert not witness.exists()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("not json", None),
        ('{"witnessed_at": "t", "records": -1, "head": "' + "0" * 64 + '"}', "records"),
        ('{"witnessed_at": "t", "records": 3, "head": "xyz"}', "head"),
    ],
)
def test_a_bad_witness_file_is_bad_input(
    copy: ReviewedRun, tmp_path: Path, line: str, field: str | None
) -> None:
    witness = tmp_path / "witness.jsonl"
    witness.write_text(line + "\n")

    code, output = _verify(copy, "--all", "--witness", str(witness))

    assert code == 2, output
    assert mentions(output, f"{witness}, row 1" + (f", column {field}" if field else ""))


@pytest.fixture(params=["checkpointed", "with its write-ahead log"])
def read_only_state(
    copy: ReviewedRun, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """The state folder copied and marked read-only (``chmod a-w``), as handed to an auditor:
    either cleanly, or taken while a writer still had commits in the write-ahead log."""
    state = tmp_path / "audit-copy"
    if request.param == "checkpointed":
        shutil.copytree(copy.data_dir / ".lotwise", state)
    else:
        runs = RunStore(_runs_file(copy))
        with EvidenceStore(copy.evidence_file, on_append=runs.note_evidence) as store:
            store.append("later-run", "note", "error", {"note": 1}, {"note": 1})
            shutil.copytree(copy.data_dir / ".lotwise", state)
        for index in state.glob("*-shm"):
            index.unlink()
        assert (state / "evidence.sqlite-wal").stat().st_size > 0
    paths = [state, *state.rglob("*")]
    for path in sorted(paths, key=lambda p: -len(p.parts)):
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
    yield state
    for path in paths:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)


def test_verify_reads_a_read_only_copy_without_writing_to_it(
    copy: ReviewedRun, read_only_state: Path
) -> None:
    """Before: SQLite's read-only mode created the WAL index beside a copied log (or, for an
    ordinary user, could not open it at all)."""
    names = sorted(os.listdir(read_only_state))
    before = {path.name: path.read_bytes() for path in read_only_state.glob("*.sqlite*")}

    for args in ((copy.run_id,), ("--all",)):
        code, output = _verify(copy, *args, "--state-dir", str(read_only_state))
        assert code == 0, output
        assert "verified" in output

    assert sorted(os.listdir(read_only_state)) == names  # no -shm or -wal appeared
    assert {path.name: path.read_bytes() for path in read_only_state.glob("*.sqlite*")} == before
