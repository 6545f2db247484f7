"""``lotwise data generate`` and ``lotwise data describe`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from agent.cli.data_generate_cmd import register_describe, register_generate


def _invoke(*args: str) -> Result:
    app = typer.Typer()
    data_app = typer.Typer()
    register_generate(data_app)
    register_describe(data_app)
    app.add_typer(data_app, name="data")
    return CliRunner().invoke(app, ["data", *args])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("cli") / "data"
    return out, _invoke(
        "generate", "--out", str(out), "--seed", "5", "--households", "1", "--format", "json"
    )


def test_generate_prints_one_json_summary(written: tuple[Path, Result]) -> None:
    out, result = written
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["seed"] == 5
    assert summary["as_of"] == "2026-11-20"
    assert summary["households"] == 2
    assert summary["securities"] == 504
    assert set(summary["files"]) == {p.name for p in out.iterdir()}
    assert summary["files"]["transactions.csv"] == (out / "transactions.csv").stat().st_size


def test_existing_data_is_not_replaced_without_force(written: tuple[Path, Result]) -> None:
    out, _ = written
    before = (out / "transactions.csv").read_bytes()
    result = _invoke("generate", "--out", str(out), "--seed", "6", "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "transactions.csv" in result.stderr and "--force" in result.stderr
    assert (out / "transactions.csv").read_bytes() == before


def test_force_replaces_data_files_and_leaves_other_files(tmp_path: Path) -> None:
    state = tmp_path / ".lotwise"
    state.mkdir()
    (state / "evidence.sqlite").write_bytes(b"keep me")
    (tmp_path / "prices.csv").write_text("old\n", encoding="utf-8")
    result = _invoke("generate", "--out", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    assert "Synthetic data written" in result.stdout
    assert (tmp_path / "prices.csv").read_text(encoding="utf-8").startswith("date,symbol,")
    assert (state / "evidence.sqlite").read_bytes() == b"keep me"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--households", "-1"), "--households"),
        (("--seed", "-3"), "--seed"),
        (("--as-of", "1900-01-01"), "outside"),
        (("--as-of", "2026-13-01"), "--as-of"),
        (("--format", "xml"), "--format"),
    ],
)
def test_bad_options_exit_2_with_nothing_on_stdout(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = _invoke("generate", "--out", str(tmp_path / "data"), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert not (tmp_path / "data").exists()


def test_out_must_not_be_a_file(tmp_path: Path) -> None:
    target = tmp_path / "plain.txt"
    target.write_text("x", encoding="utf-8")
    result = _invoke("generate", "--out", str(target))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "not a directory" in result.stderr


def test_describe_reports_the_calibration_figures(data_dir: Path) -> None:
    result = _invoke("describe", "--data", str(data_dir), "--format", "json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["securities"] == 502
    assert 0.14 <= stats["market_vol"] <= 0.18
    assert [year["year"] for year in stats["years"]] == [2021, 2022, 2023, 2024, 2025, 2026]


def test_describe_table_stops_at_the_requested_as_of(data_dir: Path) -> None:
    result = _invoke("describe", "--data", str(data_dir), "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.output
    assert "Market 2021-11-22 to 2024-12-31" in result.stdout
    assert "benchmark volatility" in result.stdout
    assert "2025" not in result.stdout


def test_describe_of_a_missing_directory_exits_2(tmp_path: Path) -> None:
    result = _invoke("describe", "--data", str(tmp_path / "absent"), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr
