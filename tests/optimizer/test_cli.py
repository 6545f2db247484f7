"""``lotwise optimize`` and ``lotwise transition`` end to end on a small data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from agent.cli import optimize_cmd
from tests.contract import METRIC_KEYS, REASONS, TRADE_KEYS
from tests.optimizer.datadir import write_data_dir


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("optimizer-cli")
    write_data_dir(path)
    return path


def run(*args: str | Path) -> Result:
    app = typer.Typer()
    optimize_cmd.register(app)
    return CliRunner().invoke(app, [str(a) for a in args])


def test_optimize_json_is_one_document_with_contract_trades_and_metrics(root: Path) -> None:
    result = run("optimize", "--data", root, "--account", "TX", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["account_id"], document["as_of"], document["status"]) == (
        "TX",
        "2024-06-28",
        "trades",
    )
    assert set(document["metrics"]) >= METRIC_KEYS
    for trade in document["trades"]:
        assert tuple(trade)[: len(TRADE_KEYS)] == TRADE_KEYS
        assert trade["reason"] in REASONS
        assert trade["est_price"] == round(trade["est_price"], 2)
        if trade["side"] == "sell":
            assert trade["lots"] and sum(lot["quantity"] for lot in trade["lots"]) == (
                pytest.approx(trade["quantity"])
            )
        else:
            assert trade["lots"] == [] and float(trade["quantity"]).is_integer()
    assert all(check["passed"] for check in document["checks"])
    assert document["harvest"]["skipped"]
    assert document["metrics"]["harvested_losses"] == round(
        document["metrics"]["harvested_losses"], 2
    )


def test_optimize_table_prints_the_trades(root: Path) -> None:
    result = run("optimize", "--data", root, "--account", "TX")
    assert result.exit_code == 0, result.stderr
    assert "trades" in result.stdout and "harvest" in result.stdout


def test_an_infeasible_account_exits_1_with_the_relaxations_in_json(root: Path) -> None:
    result = run("optimize", "--data", root, "--account", "IRA", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["status"] == "infeasible"
    assert document["error"] == "infeasible_te_budget"
    assert document["lowest_te"] > document["te_budget"]
    assert any(r["makes_feasible"] for r in document["relaxations"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--account", "NOPE"), "accounts.csv, column account_id"),
        (("--account", "AWAY"), "accounts.csv, column managed"),
    ],
)
def test_bad_input_exits_2_and_prints_nothing_on_stdout(
    root: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("optimize", "--data", root, *args, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_an_unknown_format_is_a_usage_error(root: Path) -> None:
    result = run("optimize", "--data", root, "--account", "TX", "--format", "xml")
    assert result.exit_code == 2 and result.stdout == ""


def test_transition_json_has_the_schedule_and_todays_checked_step(root: Path) -> None:
    result = run(
        "transition",
        "--data",
        root,
        "--account",
        "TX",
        "--symbol",
        "S0",
        "--gains-budget",
        "15000",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    schedule = document["schedule"]
    sold = sum(year["shares_sold"] for year in schedule["years"])
    assert sold + schedule["target_shares"] == pytest.approx(schedule["shares_before"])
    assert all(
        y["realized_short"] + y["realized_long"] <= y["gains_room"] + 0.01
        for y in schedule["years"]
    )
    assert schedule["years_to_target"] == len(schedule["years"])
    today = document["today"]
    (sale,) = [t for t in today["trades"] if t["symbol"] == "S0"]
    assert sale["reason"] == "transition"
    assert sale["quantity"] >= schedule["years"][0]["shares_sold"]
    assert document["today_error"] is None


def test_transition_of_a_symbol_not_held_is_bad_input(root: Path) -> None:
    result = run(
        "transition",
        "--data",
        root,
        "--account",
        "TX",
        "--symbol",
        "S3",
        "--gains-budget",
        "1000",
        "--format",
        "json",
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert "S3 is not held in TX" in result.stderr
