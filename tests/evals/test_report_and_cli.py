"""The report files and the ``lotwise eval`` commands (exit codes, one JSON document)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import eval_cmd
from agent.cli.main import app
from evals.backtest.suite import CAPPED, Scored, SuiteSettings, summarize
from evals.report import PLOTS, percent, write_report

SETTINGS = SuiteSettings(seeds=(3,), names=12, years=1.3, decision_every_days=21)


def test_report_files_hold_our_figures_and_the_anchors(
    tmp_path: Path, small_suite: dict[str, Scored]
) -> None:
    scored = list(small_suite.values())
    rows = summarize(scored)
    written = write_report(tmp_path, SETTINGS, scored, rows)
    assert {path.name for path in written} == {*PLOTS, "report.md", "report.html"}
    assert {path.name for path in tmp_path.iterdir()} == {*PLOTS, "report.md", "report.html"}
    markdown = (tmp_path / "report.md").read_text()
    lotwise = next(row for row in rows if row.label == "lotwise")
    assert f"| lotwise | {lotwise.pre_tax * 100:.2f}% |" in markdown
    assert "1.08%" in markdown and "0.82%" in markdown and CAPPED in markdown
    market = small_suite["lotwise"].run.market
    assert f"| strategy | {market} | violations |" in markdown
    assert f"| lotwise | {small_suite['lotwise'].tax_alpha * 100:.2f}% | 0 |" in markdown
    page = (tmp_path / "report.html").read_text()
    assert page.count("<img src=") == len(PLOTS) and "chaudhuri_monthly" in page
    for name in PLOTS:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_scenarios_json_is_one_document() -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "scenarios",
            "--only",
            "nothing_to_do",
            "--only",
            "negative_quantity",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["passed"] == 2 and document["failed"] == 0
    assert [s["name"] for s in document["scenarios"]] == ["nothing_to_do", "negative_quantity"]


def test_unknown_scenario_exits_2_with_nothing_on_stdout() -> None:
    result = CliRunner().invoke(app, ["eval", "scenarios", "--only", "no_such_thing"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_bad_seeds_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "backtest", "--seeds", "one,2", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not (tmp_path / "r").exists()


def test_backtest_command_prints_json_and_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = SuiteSettings(seeds=(3,), names=8, years=0.6, decision_every_days=21)
    monkeypatch.setattr(eval_cmd, "QUICK", tiny)
    result = CliRunner().invoke(
        app, ["eval", "backtest", "--quick", "--out", str(tmp_path / "r"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    labels = [row["label"] for row in document["summary"]]
    assert labels == [
        "lotwise",
        "chaudhuri_monthly",
        "immediate_repurchase",
        "buy_and_hold",
        CAPPED,
    ]
    assert all(
        row["wash_sale_violations"] == 0
        for row in document["summary"]
        if row["label"] != "immediate_repurchase"
    )
    assert (tmp_path / "r" / "report.md").is_file() and (tmp_path / "r" / "report.html").is_file()


def test_percentages_never_show_a_negative_zero() -> None:
    assert percent(-0.00001) == "0.00%"
    assert percent(-0.0124) == "-1.24%"
    assert percent(0.66, 0) == "66%"


def test_real_data_is_skipped_cleanly_without_skfolio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = SuiteSettings(seeds=(3,), names=8, years=0.6, decision_every_days=21)
    monkeypatch.setattr(eval_cmd, "QUICK", tiny)
    monkeypatch.setattr(eval_cmd, "real_data_available", lambda: False)
    result = CliRunner().invoke(
        app,
        ["eval", "backtest", "--quick", "--real-data", "--out", str(tmp_path), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["markets"] == ["synthetic seed 3"]
    assert "skfolio is not installed" in result.stderr
