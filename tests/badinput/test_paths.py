"""Nothing lotwise writes lands outside ``DATA/.lotwise`` (or the state folder), whatever the ids.

The file system under a temporary root is listed before and after each command; any new path
outside the data folder's state is an escape. Hostile ids are refused by the loader (first
guard); with that guard switched off, the run id and order file names refuse them again
(second guard); with both off, the listing catches the escape, which shows the test can fail.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.paths import STATE_ENV, state_dir_for
from agent.review import orders as orders_module
from agent.review import runs as runs_module
from agent.review.runner import ReviewRunner
from tests.agent.datadir import TAXABLE, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades
from tests.loading.conftest import DataDirBuilder
from tools.ids import MAX_ID_LENGTH, InvalidIdError, is_valid_id
from tools.loading import accounts as accounts_module
from tools.loading import load_data_dir

HOSTILE = ("../../../escape", "a/b", "x" * 300)


def tree(root: Path) -> set[Path]:
    """Every file and folder under ``root``."""
    found: set[Path] = set()
    for folder, subfolders, files in os.walk(root):
        found.update(Path(folder) / name for name in [*subfolders, *files])
    return found


def escapes(before: set[Path], after: set[Path], allowed: Path) -> set[Path]:
    """New paths that are not inside ``allowed``."""
    return {path for path in after - before if not path.is_relative_to(allowed)}


@pytest.fixture(autouse=True)
def _state_beside_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)


def _rename_household(data: Path, old: str, new: str) -> None:
    path = data / "accounts.csv"
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        if row["household_id"] == old:
            row["household_id"] = new
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("hostile", HOSTILE, ids=["parent", "subfolder", "long"])
def test_no_command_writes_outside_the_state_folder(tmp_path: Path, hostile: str) -> None:
    data = tmp_path / "deep" / "down" / "in" / "data"  # room for ../../.. inside tmp_path
    builder = DataDirBuilder(data)
    builder.set("accounts.csv", 1, "household_id", hostile)
    builder.set("accounts.csv", 2, "household_id", hostile)
    builder.set("transactions.csv", 3, "lot_id", hostile)
    builder.write()
    commands = [
        ["review", "--household", hostile],
        ["approve", f"{hostile}-20240108-1", "--by", "ben"],
        ["reject", f"{hostile}-20240108-1", "--by", "ben", "--reason", "no"],
        ["daily"],
        ["ledger", "--format", "json"],
        ["ledger", "--format", "8949"],
        ["washsale", "--household", hostile],
        ["risk", "--household", hostile],
        ["runs", "--household", hostile],
        ["evidence", "runs"],
        ["data", "validate"],
    ]
    before = tree(tmp_path)
    for command in commands:
        result = CliRunner().invoke(app, [*command, "--data", str(data)])
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert result.exit_code != 0 or command[0] in ("runs", "evidence"), command
    assert escapes(before, tree(tmp_path), data / ".lotwise") == set()


def _reviewable(tmp_path: Path, household: str) -> tuple[Path, ReviewRunner]:
    data = write_data_dir(tmp_path / "deep" / "down" / "in" / "data")
    _rename_household(data, "hh-a", household)
    runner = ReviewRunner(data, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data)}))
    return data, runner


def test_a_64_character_household_reviews_approves_and_stays_valid(tmp_path: Path) -> None:
    household = "h" * MAX_ID_LENGTH
    data, runner = _reviewable(tmp_path, household)
    before = tree(tmp_path)

    run = runner.review(household, requested_by="alice")
    done = runner.approve(run.run_id, "bob")

    assert done.status == "executed"
    assert is_valid_id(run.run_id) and len(run.run_id) <= MAX_ID_LENGTH - 8
    orders = cast("list[dict[str, Any]]", runner.services.runs.orders(run.run_id))
    assert orders and all(is_valid_id(order["order_id"]) for order in orders)
    assert (state_dir_for(data) / "orders" / f"{run.run_id}.csv").is_file()
    assert escapes(before, tree(tmp_path), data / ".lotwise") == set()
    assert len(load_data_dir(data).transactions) > 0  # the fills' lot ids pass the id rule


def _loader_guard_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "check_ids", lambda *args, **kwargs: [])


def test_with_the_loader_guard_off_the_run_id_still_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _loader_guard_off(monkeypatch)
    data, runner = _reviewable(tmp_path, "../../../escape")
    before = tree(tmp_path)

    with pytest.raises(InvalidIdError, match="starts with a dot"):
        runner.review("../../../escape", requested_by="alice")

    assert runner.services.runs.list() == []  # no run row was left behind
    assert escapes(before, tree(tmp_path), data / ".lotwise") == set()


def test_with_every_guard_off_the_listing_catches_the_escape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of this file can fail: with the id rule off, approve writes outside."""
    _loader_guard_off(monkeypatch)
    monkeypatch.setattr(
        runs_module,
        "run_id_for",
        lambda household, as_of, attempt: f"{household}-{as_of.replace('-', '')}-{attempt}",
    )
    monkeypatch.setattr(orders_module, "require_id", lambda value, what: value)
    data, runner = _reviewable(tmp_path, "../../../escape")
    before = tree(tmp_path)

    run = runner.review("../../../escape", requested_by="alice")
    runner.approve(run.run_id, "bob")

    escaped = escapes(before, tree(tmp_path), data / ".lotwise")
    assert {path.name for path in escaped} >= {f"escape-{run.as_of.replace('-', '')}-1.json"}
