"""``lotwise evidence export``: a self-contained document anyone can re-verify."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import rfc8785

from agent.evidence import EvidenceStore
from agent.evidence.export import write_json_atomically
from tests.evidence.conftest import fill_run, mentions, run_cli, tamper

RUN = "hh-1-20250102-1"


def _export(data: Path, destination: Path, run_id: str = RUN) -> tuple[int, str, str]:
    return run_cli("export", run_id, "--json", str(destination), "--data", str(data))


@pytest.fixture
def data_dir(store: EvidenceStore) -> Path:
    fill_run(store, RUN, 6)
    return store.path.parent.parent


def test_export_can_be_verified_without_lotwise(
    data_dir: Path, store: EvidenceStore, tmp_path: Path
) -> None:
    destination = tmp_path / "exports" / "run.json"
    code, out, _ = _export(data_dir, destination)
    assert code == 0
    assert (
        out == f"exported run {RUN} to {destination}: verified 6 records, head {store.head(RUN)}\n"
    )
    document = json.loads(destination.read_text())
    assert document["verification"]["ok"] is True
    assert document["records"] == [record.document() for record in store.records(RUN)]
    previous = document["chain"]["genesis"]
    for record in document["records"]:
        claimed = record.pop("hash")
        assert record["prev_hash"] == previous
        recomputed = hashlib.sha256(bytes.fromhex(previous) + rfc8785.dumps(record)).hexdigest()
        assert recomputed == claimed
        previous = claimed
    assert previous == document["head"] == store.head(RUN)


def test_tampered_run_is_exported_with_its_failure(
    data_dir: Path, store: EvidenceStore, tmp_path: Path
) -> None:
    body = store.records(RUN)[3].document()
    body.pop("hash")
    body["outputs"] = {"approved_by": "mallory"}
    tamper(
        store.path,
        (
            "UPDATE evidence SET body = ? WHERE run_id = ? AND seq = 4",
            (rfc8785.dumps(body).decode(), RUN),
        ),
    )
    destination = tmp_path / "run.json"
    code, out, _ = _export(data_dir, destination)
    assert code == 1
    assert f"FAILED: run {RUN}, seq 4: record altered" in out
    document = json.loads(destination.read_text())
    assert document["verification"]["ok"] is False
    assert document["verification"]["first_bad_seq"] == 4


def test_unknown_run_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    destination = tmp_path / "run.json"
    code, out, err = _export(data_dir, destination, run_id="nope")
    assert (code, out) == (2, "")
    assert mentions(err, "no evidence records for run 'nope'")
    assert not destination.exists()


def test_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    destination = tmp_path / "run.json"
    destination.write_text('{"previous": true}\n')
    with pytest.raises(TypeError):
        write_json_atomically(destination, {"records": [1, 2], "bad": object()})
    assert destination.read_text() == '{"previous": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
