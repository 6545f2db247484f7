"""``lotwise data validate``: exit codes, stdout/stderr discipline and the JSON document."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from agent.cli import data_cmd


@pytest.fixture
def invoke():
    app = typer.Typer()
    data_cmd.register(app)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["data", "validate", *args])

    return run


def test_valid_directory_prints_a_summary(invoke, data_dir):
    result = invoke("--data", str(data_dir.write()))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK")
    assert "accounts:     4" in result.stdout
    assert "households:   2" in result.stdout
    assert "transactions: 14" in result.stdout
    assert "symbols:      5" in result.stdout
    assert "price dates:  5 (2024-01-02 to 2024-01-08)" in result.stdout
    assert "as-of:        2024-01-08" in result.stdout
    assert result.stderr == ""


def test_valid_directory_as_json(invoke, data_dir):
    result = invoke("--data", str(data_dir.write()), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"valid": True, "problems": []}


def test_invalid_directory_lists_problems_on_stderr_only(invoke, data_dir):
    data_dir.set("transactions.csv", 9, "quantity", "-5").set("accounts.csv", 2, "managed", "y")
    result = invoke("--data", str(data_dir.write()))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "accounts.csv, row 2, column managed: managed 'y' must be true or false",
        "transactions.csv, row 9, column quantity: quantity -5 is negative",
    ]


def test_long_messages_stay_on_one_line(invoke, data_dir):
    data_dir.set("accounts.csv", 1, "te_budget", "5")
    result = invoke("--data", str(data_dir.write()))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "(expected 0 < te_budget <= 1, e.g. 0.02 for 2%)" in result.stderr


def test_invalid_directory_as_json(invoke, data_dir):
    data_dir.set("prices.csv", 3, "close", "abc")
    result = invoke("--data", str(data_dir.write()), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "valid": False,
        "problems": [
            {
                "file": "prices.csv",
                "row": 3,
                "column": "close",
                "message": "close 'abc' is not a number",
            }
        ],
    }


def test_file_level_problem_as_json_has_null_row_and_column(invoke, data_dir):
    result = invoke("--data", str(data_dir.remove("benchmark.csv").write()), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [
        {
            "file": "benchmark.csv",
            "row": None,
            "column": None,
            "message": "required file is missing",
        },
    ]


def test_as_of_option(invoke, data_dir):
    root = str(data_dir.write())
    result = invoke("--data", root, "--as-of", "2024-01-05")
    assert result.exit_code == 0
    assert "as-of:        2024-01-05" in result.stdout
    early = invoke("--data", root, "--as-of", "2023-06-30")
    assert early.exit_code == 2
    assert early.stdout == ""
    assert "before the first price date 2024-01-02" in early.stderr


def test_missing_directory(invoke, tmp_path):
    result = invoke("--data", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "absent: data directory does not exist"


def test_unknown_format_is_a_usage_error(invoke, data_dir):
    result = invoke("--data", str(data_dir.write()), "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
