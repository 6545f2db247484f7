"""``lotwise evidence replay``: a real run replays identically; changed inputs are refused;
an altered record is reported at its first difference."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from agent.evidence.recorded_inputs import recorded_prefix, restore_inputs, without_last_column
from agent.evidence.replay import replay_run
from tests.evidence.conftest import ReviewedRun, mentions, run_cli, stored_body, tamper
from tools.errors import DataValidationError


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def test_replay_of_an_executed_run_is_identical(reviewed: ReviewedRun) -> None:
    code, out, _ = run_cli(
        "replay", reviewed.run_id, "--data", str(reviewed.data_dir), "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert document["identical"] is True and document["first_difference"] is None
    by_seq = {record.seq: record for record in reviewed.records}
    compared = {(by_seq[seq].node, by_seq[seq].kind) for seq in document["compared_seqs"]}
    assert {
        ("perceive", "input_snapshot"),
        ("perceive", "tool_call"),
        ("reason", "planner_decision"),
        ("evaluate", "tool_call"),
        ("evaluate", "check"),
        ("propose", "proposal"),
        ("execute", "check"),
    } <= compared
    # Everything else is named with the reason it is not a computation.
    skipped = {item["seq"] for item in document["skipped"]}
    assert set(document["compared_seqs"]) | skipped == set(by_seq)
    assert {by_seq[seq].kind for seq in skipped} == {"approval", "execution"}
    # The paper fills were appended to transactions.csv after the run read it.
    assert document["grown_files"] == ["transactions.csv"]


def test_replay_refuses_changed_data_naming_the_file(reviewed: ReviewedRun, tmp_path: Path) -> None:
    data_dir = reviewed.copy_to(tmp_path / "data")
    prices = data_dir / "prices.csv"
    lines = prices.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + "1\n"  # one close gains a digit
    prices.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        replay_run(
            data_dir,
            data_dir / ".lotwise",
            data_dir / ".lotwise" / "evidence.sqlite",
            reviewed.run_id,
        )
    assert [problem.file for problem in raised.value.problems] == ["prices.csv"]
    assert "changed since the run" in raised.value.problems[0].message
    code, out, err = run_cli("replay", reviewed.run_id, "--data", str(data_dir))
    assert code == 2 and out == ""
    assert mentions(err, "prices.csv: changed since the run")


def test_replay_shows_the_first_difference(reviewed: ReviewedRun, tmp_path: Path) -> None:
    data_dir = reviewed.copy_to(tmp_path / "data")
    store = data_dir / ".lotwise" / "evidence.sqlite"
    observed = next(r for r in reviewed.records if r.node == "perceive" and r.kind == "tool_call")
    body = stored_body(store, reviewed.run_id, observed.seq)
    assert '"first_run":true' in body
    tamper(
        store,
        (
            "UPDATE evidence SET body = ? WHERE run_id = ? AND seq = ?",
            (body.replace('"first_run":true', '"first_run":false'), reviewed.run_id, observed.seq),
        ),
    )
    code, out, _ = run_cli("replay", reviewed.run_id, "--data", str(data_dir), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["identical"] is False
    assert document["first_difference"] == {
        "seq": observed.seq,
        "path": "outputs.first_run",
        "recorded": False,
        "replayed": True,
    }
    assert document["compared_seqs"] == [observed.seq - 1]  # the input snapshot, before it


def test_recorded_prefix_finds_the_bytes_a_run_read() -> None:
    seen = b"a,b\n1,2\n3,4\n"
    assert recorded_prefix(seen, _sha(seen)) == seen
    assert recorded_prefix(seen + b"5,6\n7,8\n", _sha(seen)) == seen
    assert recorded_prefix(b"a,b\n1,9\n3,4\n", _sha(seen)) is None
    # The first paper fills add an order_id column to every row, then append rows.
    grown = b"a,b,order_id\n1,2,\n3,4,\n5,6,r-1\n"
    assert recorded_prefix(grown, _sha(seen)) is None
    assert recorded_prefix(without_last_column(grown), _sha(seen)) == seen


def test_restore_inputs_names_missing_and_changed_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "kept.csv").write_bytes(b"x\n1\n")
    (data_dir / "edited.csv").write_bytes(b"x\n2\n")
    wanted = {"kept.csv": _sha(b"x\n1\n"), "edited.csv": _sha(b"x\n1\n"), "gone.csv": _sha(b"x\n")}
    with pytest.raises(DataValidationError) as raised:
        restore_inputs(data_dir, wanted, tmp_path / "out")
    assert [(p.file, p.message.split(" (")[0]) for p in raised.value.problems] == [
        ("edited.csv", "changed since the run"),
        ("gone.csv", "missing"),
    ]
    assert not (tmp_path / "out").exists()  # nothing restored when anything is refused
