"""A process dying at any evidence append of approve and execute: the next command finishes
the run from its checkpoint, with no duplicate order, fill or record.

The crash is real: a forked copy of the test process approves and calls ``os._exit`` (no
cleanup, no ``finally``, as ``kill -9``) just before or just after its Nth evidence append.
"""

from __future__ import annotations

import getpass
import itertools
import os
import shutil
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.evidence.audit import audit
from agent.evidence.records import EvidenceRecord
from agent.evidence.store import EvidenceStore
from agent.paths import state_dir_for
from agent.review.daily import run_daily
from agent.review.runner import ReviewRunner
from agent.review.runs import AlreadyDecidedError
from tests.agent.conftest import PendingReview
from tests.agent.datadir import TAXABLE, read_transactions
from tests.agent.scripted import ScriptedOptimizer, harvest_trades

DIED = 17


@dataclass(frozen=True)
class Baseline:
    """A pending run, and what approving it without a crash leaves behind."""

    pending_dir: Path  # the data directory with the run waiting for approval
    run_id: str
    appends: int  # evidence appends of approve + execute
    records: list[tuple[str, str]]  # (node, kind) of the run's records once executed
    orders: list[dict[str, Any]]
    fills: Counter[str]  # fill rows by order id


def _runner(data_dir: Path) -> ReviewRunner:
    return ReviewRunner(data_dir, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)}))


def _shape(records: list[EvidenceRecord]) -> list[tuple[str, str]]:
    return [(record.node, record.kind) for record in records]


def _fills(data_dir: Path) -> Counter[str]:
    return Counter(row["order_id"] for row in read_transactions(data_dir) if row.get("order_id"))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, pending_review: PendingReview) -> Baseline:
    done = pending_review.copy_to(tmp_path_factory.mktemp("recovery") / "done")
    runner = _runner(done)
    run_id = pending_review.run_id
    before = len(runner.services.evidence.records(run_id))
    runner.approve(run_id, "bob")
    records = runner.services.evidence.records(run_id)
    return Baseline(
        pending_dir=pending_review.data_dir,
        run_id=run_id,
        appends=len(records) - before,
        records=_shape(records),
        orders=runner.services.runs.orders(run_id),
        fills=_fills(done),
    )


def _die_at_append(number: int, when: str) -> None:
    """From now on in this process: exit at once before/after the ``number``-th append."""
    original = EvidenceStore.append_many
    calls = itertools.count(1)

    def append_many(self: EvidenceStore, entries: Any) -> list[EvidenceRecord]:
        call = next(calls)
        if call == number and when == "before":
            os._exit(DIED)
        records = original(self, entries)
        if call == number:
            os._exit(DIED)
        return records

    EvidenceStore.append_many = append_many  # type: ignore[method-assign]


def _approve_and_die(data_dir: Path, run_id: str, number: int, when: str, by: str = "bob") -> None:
    """Approve (as ``by``) in a forked process that dies at the given append."""
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            _die_at_append(number, when)
            _runner(data_dir).approve(run_id, by)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == DIED, "the crash point was not reached"


def _assert_finished_once(data_dir: Path, base: Baseline) -> None:
    runner = _runner(data_dir)
    run = runner.services.runs.get(base.run_id)
    assert run is not None and run.status == "executed"
    assert runner.services.runs.orders(base.run_id) == base.orders
    assert _fills(data_dir) == base.fills  # each order filled once
    assert _shape(runner.services.evidence.records(base.run_id)) == base.records
    result = audit(state_dir_for(data_dir))
    assert result.ok, (result.breaks, result.missing)


def _by_approve(data_dir: Path, run_id: str) -> None:
    _runner(data_dir).approve(run_id, "bob")


def _by_review(data_dir: Path, run_id: str) -> None:
    _runner(data_dir).review("hh-a", requested_by="carol")


def _by_runs_show(data_dir: Path, run_id: str) -> None:
    _runner(data_dir).recover(run_id)


def _by_daily(data_dir: Path, run_id: str) -> None:
    summary = run_daily(_runner(data_dir))
    assert not summary.failures and run_id in summary.runs
    assert summary.recovered == [run_id]


RECOVERIES: dict[str, Callable[[Path, str], None]] = {
    "approve": _by_approve,
    "review": _by_review,
    "runs show": _by_runs_show,
    "daily": _by_daily,
}
CRASH_POINTS = [(number, when) for number in range(1, 8) for when in ("before", "after")]


def test_approve_and_execute_make_seven_appends(baseline: Baseline) -> None:
    """The crash points below cover every append (update them if this changes)."""
    assert baseline.appends == 7
    assert baseline.records[-7:] == [
        ("approval", "approval"),
        *[("execute", "check")] * 5,
        ("execute", "execution"),
    ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize(("number", "when"), CRASH_POINTS)
def test_killed_at_an_append_is_finished_by_the_next_command(
    baseline: Baseline, tmp_path: Path, number: int, when: str
) -> None:
    data_dir = shutil.copytree(baseline.pending_dir, tmp_path / "data")
    _approve_and_die(data_dir, baseline.run_id, number, when)
    recovery = list(RECOVERIES)[CRASH_POINTS.index((number, when)) % len(RECOVERIES)]

    RECOVERIES[recovery](data_dir, baseline.run_id)

    _assert_finished_once(data_dir, baseline)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_without_recovery_a_run_killed_after_its_approval_record_is_stuck(
    baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case with recovery switched off: approved for good, no orders."""
    data_dir = shutil.copytree(baseline.pending_dir, tmp_path / "data")
    _approve_and_die(data_dir, baseline.run_id, 2, "before")
    monkeypatch.setattr(ReviewRunner, "_recover", lambda self, run: None)
    runner = _runner(data_dir)

    with pytest.raises(AlreadyDecidedError):
        runner.approve(baseline.run_id, "bob")

    assert runner.services.runs.get(baseline.run_id).status == "approved"  # type: ignore[union-attr]
    assert runner.services.runs.orders(baseline.run_id) == []
    assert _fills(data_dir) == Counter()


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("command", ["approve", "reject", "runs show"])
def test_the_command_that_completes_a_recovery_says_so(
    baseline: Baseline, tmp_path: Path, command: str
) -> None:
    """Before: "refused: run ... is approved, not pending approval", exit 1, and no orders."""
    data_dir = shutil.copytree(baseline.pending_dir, tmp_path / "data")
    user = getpass.getuser()  # the CLI acts as the operating-system user (no users.yaml)
    _approve_and_die(data_dir, baseline.run_id, 2, "before", by=user)  # after the approval
    args = {
        "approve": ("approve", baseline.run_id, "--by", user),
        "reject": ("reject", baseline.run_id, "--by", user, "--reason", "too late"),
        "runs show": ("runs", "show", baseline.run_id),
    }[command]

    code, _, err = _cli(*args, "--data", str(data_dir))

    assert "recovered: run" in err and "now executed" in err
    if command == "reject":  # the run was approved before the crash: the approval stands
        assert code == 1 and f"already decided: approve by {user}" in err
    else:
        assert code == 0, err
        assert "refused" not in err
    _assert_finished_once(data_dir, baseline)


def test_the_crash_hook_really_kills(baseline: Baseline, tmp_path: Path) -> None:
    """A crash point past the last append is never reached: the child approves and exits 0,
    which the helper refuses (so every crash test above did die where it says)."""
    data_dir = shutil.copytree(baseline.pending_dir, tmp_path / "data")
    with pytest.raises(AssertionError, match="crash point was not reached"):
        _approve_and_die(data_dir, baseline.run_id, baseline.appends + 1, "before")
