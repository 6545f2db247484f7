"""One decision per run, one review per household and day, dropped trades re-checked before
the decision, and failed reviews that say so."""

from __future__ import annotations

import getpass
import os
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from agent.cli.main import app
from agent.evidence.audit import audit
from agent.paths import state_dir_for
from agent.review.optimize import AccountRequest, AccountTrades
from agent.review.runner import ReviewFailedError, ReviewRunner
from agent.review.runs import AlreadyDecidedError, RunRecord
from tests.agent.conftest import PendingReview
from tests.agent.datadir import TAXABLE, read_transactions, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades
from tools.errors import DataValidationError


def _runner(data_dir: Path, optimizer: Any = None) -> ReviewRunner:
    return ReviewRunner(
        data_dir,
        optimizer=optimizer or ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)}),
    )


def _approve_in_child(data_dir: Path, run_id: str, by: str, gate: int, report: Path) -> int:
    """Fork a process that waits for ``gate`` to open, then approves as ``by``: exit 0 when
    it decided, 1 when told the run was already decided (what ``lotwise approve`` exits)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.read(gate, 1)
            _runner(data_dir).approve(run_id, by)
            code = 0
        except AlreadyDecidedError as error:
            report.write_text(str(error))
            code = 1
        except BaseException as error:  # report anything, never return into pytest
            report.write_text(repr(error))
            code = 99
        os._exit(code)
    return pid


def _exit_code(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_two_concurrent_approvals_record_exactly_one_decision(
    pending_review: PendingReview, tmp_path: Path
) -> None:
    data_dir = pending_review.copy_to(tmp_path / "data")
    run_id = pending_review.run_id
    read_end, write_end = os.pipe()
    reports = {name: tmp_path / f"{name}.txt" for name in ("bob", "carol")}
    children = {
        name: _approve_in_child(data_dir, run_id, name, read_end, report)
        for name, report in reports.items()
    }
    os.write(write_end, b"go")  # both start at once
    codes = {
        name: os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for name, pid in children.items()
    }

    assert sorted(codes.values()) == [0, 1], {n: reports[n].read_text() for n in reports}
    winner = next(name for name, code in codes.items() if code == 0)
    loser = next(name for name, code in codes.items() if code == 1)
    assert f"already decided: approve by {winner}" in " ".join(reports[loser].read_text().split())
    runner = _runner(data_dir)
    assert runner.services.runs.decision(run_id)["by"] == winner  # type: ignore[index]
    approvals = [
        r for r in runner.services.evidence.find(run_id, kind="approval") if "status" in r.outputs
    ]
    assert [r.outputs["by"] for r in approvals] == [winner]
    assert len(runner.services.evidence.find(run_id, kind="execution")) == 1
    assert len({row["order_id"] for row in read_transactions(data_dir) if row["order_id"]}) == 6
    assert audit(state_dir_for(data_dir)).ok


def test_two_concurrent_reviews_of_a_household_make_one_run(tmp_path: Path) -> None:
    data_dir = write_data_dir(tmp_path / "data")
    barrier = threading.Barrier(2)
    runs: list[RunRecord] = []
    errors: list[BaseException] = []

    def review(requested_by: str) -> None:
        runner = _runner(data_dir)
        barrier.wait()
        try:
            runs.append(runner.review("hh-a", requested_by=requested_by))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=review, args=(name,)) for name in ("alice", "ops")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len({run.run_id for run in runs}) == 1
    services = _runner(data_dir).services
    assert [run.run_id for run in services.runs.list(household_id="hh-a")] == [runs[0].run_id]
    assert services.evidence.runs() == [runs[0].run_id]
    assert len(services.evidence.find(runs[0].run_id, kind="input_snapshot")) == 1
    assert len(services.evidence.find(runs[0].run_id, kind="proposal")) == 1


def test_dropping_the_sales_that_fund_the_buys_is_refused_before_the_decision(
    pending_review: PendingReview, tmp_path: Path
) -> None:
    """Before: the approval was recorded, execution's re-check failed, the run ended
    ``rejected`` and the command exited 0."""
    data_dir = pending_review.copy_to(tmp_path / "data")
    run_id = pending_review.run_id
    # the CLI acts as the operating-system user (no users.yaml)
    args = ["approve", run_id, "--data", str(data_dir), "--by", getpass.getuser()]

    result = CliRunner().invoke(app, [*args, "--drop", "1", "--drop", "3", "--drop", "5"])

    assert result.exit_code == 1, result.stderr
    message = " ".join(result.stderr.split())
    assert "refused:" in message and "without trade(s) 1, 3, 5" in message
    assert "cash" in message and "cannot fund it" in message
    runner = _runner(data_dir)
    assert runner.services.runs.get(run_id).status == "pending_approval"  # type: ignore[union-attr]
    assert runner.services.runs.decision(run_id) is None
    refusal = runner.services.evidence.find(run_id, kind="approval")[-1]
    assert refusal.outputs["refused"].startswith("without trade(s) 1, 3, 5")
    assert runner.services.runs.orders(run_id) == []

    assert CliRunner().invoke(app, args).exit_code == 0  # still pending: approvable as is
    assert runner.services.runs.get(run_id).status == "executed"  # type: ignore[union-attr]


def test_a_harmless_drop_is_approved_and_executed_without_it(
    pending_review: PendingReview, tmp_path: Path
) -> None:
    data_dir = pending_review.copy_to(tmp_path / "data")
    runner = _runner(data_dir)

    run = runner.approve(pending_review.run_id, "bob", drop=[2])

    assert run.status == "executed"
    assert [o["order_id"] for o in runner.services.runs.orders(run.run_id)] == [
        f"{run.run_id}-{n}" for n in range(1, 6)
    ]


class _BrokenOptimizer:
    name = "broken"

    def optimize(self, request: AccountRequest) -> AccountTrades:
        raise RuntimeError("solver crashed")


def test_a_failed_review_is_failed_with_an_error_record_and_a_retry_is_a_new_attempt(
    tmp_path: Path,
) -> None:
    data_dir = write_data_dir(tmp_path / "data")

    with pytest.raises(ReviewFailedError, match="solver crashed"):
        _runner(data_dir, _BrokenOptimizer()).review("hh-a", requested_by="alice")

    runner = _runner(data_dir)
    (failed,) = runner.services.runs.list(household_id="hh-a")
    assert failed.status == "failed"
    errors = runner.services.evidence.find(failed.run_id, kind="error")
    assert [e.outputs["error"] for e in errors] == ["RuntimeError: solver crashed"]
    assert audit(state_dir_for(data_dir)).ok

    retried = runner.review("hh-a", requested_by="alice")
    assert retried.run_id.endswith("-2") and retried.proposal is not None


def test_the_review_command_reports_a_failed_run_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = write_data_dir(tmp_path / "data")
    monkeypatch.setattr("agent.review.optimize.ToolsOptimizer.optimize", _BrokenOptimizer.optimize)

    result = CliRunner().invoke(app, ["review", "--data", str(data_dir), "--household", "hh-a"])

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "error: run hh-a-20261120-1 failed: RuntimeError: solver crashed" in " ".join(
        result.stderr.split()
    )


def test_no_run_is_created_before_the_households_policy_validates(tmp_path: Path) -> None:
    data_dir = write_data_dir(tmp_path / "data")
    (data_dir / "policy.yaml").write_text(
        yaml.safe_dump({"households": {"hh-a": {"tax": {"state": 1.5}}}}), encoding="utf-8"
    )

    runner = _runner(data_dir, ScriptedOptimizer({}))  # the harvest script reads the policy

    with pytest.raises(DataValidationError, match=r"tax\.state"):
        runner.review("hh-a", requested_by="alice")

    assert runner.services.runs.list() == []
