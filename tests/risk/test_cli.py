"""``lotwise risk`` and ``lotwise risk curve`` end to end on a data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent.cli.main import app
from agent.paths import STATE_ENV
from tests.risk.datadir import HELD_STOCK, DataDir, write_data_dir


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return write_data_dir(tmp_path_factory.mktemp("data"))


@pytest.fixture(autouse=True)
def _no_state_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_account_json_is_one_document_with_te_status_attribution_and_ex_post(
    written: DataDir, tmp_path: Path
) -> None:
    result = _run(
        "risk",
        "--data",
        written.root,
        "--account",
        "A2",
        "--format",
        "json",
        "--state-dir",
        tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["scope"], document["id"], document["status"]) == ("account", "A2", "breach")
    assert document["te_budget"] == 0.02
    assert document["attribution"]["securities"][0]["symbol"] == HELD_STOCK
    contributions = sum(row["contribution"] for row in document["attribution"]["sectors"])
    assert contributions == pytest.approx(document["te"], abs=1e-5)
    assert document["ex_post"]["te_63"] > 0 and document["ex_post"]["te_252"] > 0
    assert document["alert_changes"] == [
        {"account_id": "A2", "kind": "new", "previous": None, "current": "breach"}
    ]


def test_alerts_persist_between_runs_and_no_record_stores_nothing(
    written: DataDir, tmp_path: Path
) -> None:
    common = ("--data", written.root, "--household", "H1", "--format", "json")
    preview = json.loads(_run("risk", *common, "--state-dir", tmp_path, "--no-record").stdout)
    assert [c["account_id"] for c in preview["alert_changes"]] == ["A2"]
    assert not (tmp_path / "alerts.json").exists()
    first = json.loads(_run("risk", *common, "--state-dir", tmp_path).stdout)
    assert [c["kind"] for c in first["alert_changes"]] == ["new"]
    second = json.loads(_run("risk", *common, "--state-dir", tmp_path).stdout)
    assert second["alert_changes"] == []
    stored = json.loads((tmp_path / "alerts.json").read_text())
    assert sorted(stored["accounts"]) == ["A1", "A2"]


def test_household_table_lists_the_managed_accounts(written: DataDir, tmp_path: Path) -> None:
    result = _run("risk", "--data", written.root, "--household", "H1", "--state-dir", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Managed accounts" in result.stdout
    assert "A2" in result.stdout and "A3" not in result.stdout
    assert "breach" in result.stdout


def test_fundamental_model_reports_sector_and_style_factors(
    written: DataDir, tmp_path: Path
) -> None:
    result = _run(
        "risk",
        "--data",
        written.root,
        "--account",
        "A2",
        "--model",
        "fundamental",
        "--format",
        "json",
        "--state-dir",
        tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    factors = [row["factor"] for row in json.loads(result.stdout)["attribution"]["factors"]]
    assert any(f.startswith("sector:") for f in factors)
    assert any(f.startswith("style:") for f in factors)


def test_curve_prints_a_non_increasing_table_and_saves_the_plot(
    written: DataDir, tmp_path: Path
) -> None:
    plot = tmp_path / "curve.png"
    result = _run(
        "risk",
        "curve",
        "--data",
        written.root,
        "--out",
        plot,
        "--sizes",
        "5,10,20,30",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    tes = [point["te"] for point in document["points"]]
    assert [p["size"] for p in document["points"]] == [5, 10, 20, 30]
    assert tes == sorted(tes, reverse=True) and tes[-1] < 1e-5
    assert plot.read_bytes()[:4] == b"\x89PNG"
    table = _run("risk", "curve", "--data", written.root, "--out", plot, "--sizes", "5,30")
    assert "names allowed" in table.stdout and "plot saved" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--account", "NOPE"), "accounts.csv, column account_id: unknown account 'NOPE'"),
        (("--household", "H9"), "unknown household 'H9'"),
        (("--account", "A1", "--household", "H1"), "exactly one of"),
        (("--account", "A1", "--model", "barra"), "pca, fundamental"),
        (("--account", "A1", "--format", "xml"), "table or json"),
    ],
)
def test_bad_requests_exit_2_with_nothing_on_stdout(
    written: DataDir, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = _run("risk", "--data", written.root, *args, "--state-dir", tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in " ".join(result.stderr.split())


def test_a_malformed_price_file_names_file_row_and_column(tmp_path: Path) -> None:
    written = write_data_dir(tmp_path / "data")
    lines = (written.root / "prices.csv").read_text().splitlines()
    fields = lines[5].split(",")
    fields[2] = "-3"
    lines[5] = ",".join(fields)
    (written.root / "prices.csv").write_text("\n".join(lines) + "\n")
    for args in (("--account", "A2"), ()):
        command = ("risk", "curve") if not args else ("risk",)
        result = _run(*command, "--data", written.root, *args, "--format", "json")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "prices.csv, row 5, column close" in result.stderr
    assert not (written.root / ".lotwise" / "te_curve.png").exists()


def test_curve_sizes_must_be_whole_numbers(written: DataDir) -> None:
    result = _run("risk", "curve", "--data", written.root, "--sizes", "5,ten")
    assert result.exit_code == 2
    assert result.stdout == ""
