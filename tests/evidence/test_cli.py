"""``lotwise evidence show | verify | runs`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.evidence import EvidenceStore
from tests.evidence.conftest import fill_run, mentions, run_cli, tamper

RUN = "hh-1-20250102-1"


@pytest.fixture
def data_dir(store: EvidenceStore) -> Path:
    fill_run(store, RUN, 5)
    fill_run(store, "hh-2-20250102-1", 2)
    return store.path.parent.parent


def test_show_prints_a_timeline(data_dir: Path, store: EvidenceStore) -> None:
    code, out, _ = run_cli("show", RUN, "--data", str(data_dir))
    assert code == 0
    assert f"evidence of run {RUN}: 5 records" in out
    assert "planner_decision" in out and "2025-01-02 14:30:00" in out
    head = store.head(RUN)
    assert head is not None and head[:12] in out


def test_show_json_prints_the_records(data_dir: Path, store: EvidenceStore) -> None:
    code, out, _ = run_cli("show", RUN, "--data", str(data_dir), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["run_id"] == RUN and document["head"] == store.head(RUN)
    assert document["records"] == [r.document() for r in store.records(RUN)]


def test_verify_intact_run_and_store(data_dir: Path, store: EvidenceStore) -> None:
    code, out, _ = run_cli("verify", RUN, "--data", str(data_dir))
    assert (code, out) == (0, f"verified 5 records, head {store.head(RUN)}\n")
    code, out, _ = run_cli("verify", "--all", "--data", str(data_dir))
    assert code == 0 and out.startswith("verified 7 records in 2 runs, head ")


def test_verify_tampered_run_exits_1_naming_the_first_bad_seq(
    data_dir: Path, store: EvidenceStore
) -> None:
    tamper(store.path, ("DELETE FROM evidence WHERE run_id = ? AND seq = 2", (RUN,)))
    code, out, err = run_cli("verify", RUN, "--data", str(data_dir))
    assert code == 1
    assert out.startswith(f"FAILED: run {RUN}, seq 2: record missing (deleted)")
    assert mentions(err, "append-only triggers are missing")
    code, out, _ = run_cli("verify", RUN, "--data", str(data_dir), "--format", "json")
    document = json.loads(out)
    assert code == 1 and document["ok"] is False and document["first_bad_seq"] == 2
    code, out, _ = run_cli("verify", "--all", "--data", str(data_dir))
    assert code == 1 and f"FAILED: run {RUN}, seq 2" in out and "store sequence 2" in out


def test_verify_anchor(data_dir: Path, store: EvidenceStore) -> None:
    head = store.head(RUN)
    assert head is not None
    code, _, _ = run_cli("verify", RUN, "--data", str(data_dir), "--anchor", head)
    assert code == 0
    code, out, _ = run_cli("verify", RUN, "--data", str(data_dir), "--anchor", "ab" * 32)
    assert code == 1 and "anchor" in out and "is not in its chain" in out


def test_runs_lists_counts_and_heads(data_dir: Path, store: EvidenceStore) -> None:
    code, out, _ = run_cli("runs", "--data", str(data_dir), "--format", "json")
    assert code == 0
    assert json.loads(out)["runs"] == [
        {
            "run_id": s.run_id,
            "records": s.records,
            "last_seq": s.last_seq,
            "head": s.head,
            "last_timestamp": s.last_timestamp,
        }
        for s in store.run_summaries()
    ]
    code, out, _ = run_cli("runs", "--data", str(data_dir))
    assert code == 0 and RUN in out and "2 runs" in out
    assert "2025-01-02 14:30:04" in out  # RUN's last record


@pytest.mark.parametrize(
    "args",
    [
        ("show", "no-such-run"),
        ("verify", "no-such-run"),
    ],
)
def test_unknown_run_is_bad_input(data_dir: Path, args: tuple[str, ...]) -> None:
    code, out, err = run_cli(*args, "--data", str(data_dir))
    assert (code, out) == (2, "")
    assert mentions(
        err, "evidence.sqlite, column run_id: no evidence records for run 'no-such-run'"
    )


@pytest.mark.parametrize(
    "command", [("show", RUN), ("verify", RUN), ("verify", "--all"), ("runs",)]
)
def test_missing_store_is_bad_input(tmp_path: Path, command: tuple[str, ...]) -> None:
    code, out, err = run_cli(*command, "--data", str(tmp_path))
    assert (code, out) == (2, "")
    assert mentions(err, "no evidence store")
    assert not (tmp_path / ".lotwise" / "evidence.sqlite").exists()


def test_missing_data_directory_is_bad_input(tmp_path: Path) -> None:
    code, out, err = run_cli("runs", "--data", str(tmp_path / "absent"))
    assert (code, out) == (2, "")
    assert mentions(err, "no such data directory")


@pytest.mark.parametrize(
    "args",
    [
        ("verify",),
        ("verify", RUN, "--all"),
        ("verify", "--all", "--anchor", "ab"),
        ("show", RUN, "--format", "yaml"),
    ],
)
def test_wrong_options_exit_2(data_dir: Path, args: tuple[str, ...]) -> None:
    code, out, _ = run_cli(*args, "--data", str(data_dir))
    assert (code, out) == (2, "")


def test_state_dir_option_moves_the_store(tmp_path: Path) -> None:
    state = tmp_path / "state"
    data = tmp_path / "data"
    data.mkdir()
    with EvidenceStore(state / "evidence.sqlite", code_version="test") as moved:
        fill_run(moved, RUN, 2)
    code, out, _ = run_cli("verify", RUN, "--data", str(data), "--state-dir", str(state))
    assert code == 0 and out.startswith("verified 2 records")
