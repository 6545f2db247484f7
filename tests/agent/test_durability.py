"""Durable state: decisions from another process, four eyes, re-runs, killed processes."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

from agent.identity import os_user_name
from agent.paths import state_dir_for
from agent.review.runner import ReviewRunner
from tests.agent.conftest import run_cli, run_python
from tests.agent.datadir import read_transactions

MakeRunner = Callable[..., ReviewRunner]


def _order_rows(data_dir: Path) -> list[str]:
    return [row["order_id"] for row in read_transactions(data_dir) if row.get("order_id")]


def test_approval_from_a_new_process_resumes_the_waiting_run(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    run = make_runner().review("hh-a", requested_by="alice")
    assert run.status == "pending_approval"

    done = run_cli(
        "approve",
        run.run_id,
        "--data",
        str(data_dir),
        "--by",
        os_user_name(),  # no users.yaml: the CLI acts as the operating-system user
        "--comment",
        "ok",
        "--format",
        "json",
    )

    assert done.returncode == 0, done.stderr
    proposal = json.loads(done.stdout)
    assert proposal["run_id"] == run.run_id and proposal["status"] == "executed"
    assert len(_order_rows(data_dir)) == 6
    orders = json.loads((state_dir_for(data_dir) / "orders" / f"{run.run_id}.json").read_text())
    assert [o["order_id"] for o in orders] == [f"{run.run_id}-{n}" for n in range(1, 7)]


def test_same_review_twice_returns_the_same_run_and_no_new_orders(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    runner = make_runner()
    first = runner.review("hh-a", requested_by="alice")
    runner.approve(first.run_id, "bob")
    orders = runner.services.runs.orders(first.run_id)

    again = make_runner().review("hh-a", as_of="2026-11-20", requested_by="carol")

    assert again.run_id == first.run_id and again.status == "executed"
    assert runner.services.runs.orders(first.run_id) == orders
    assert len(_order_rows(data_dir)) == 6
    assert len(runner.services.runs.list(household_id="hh-a")) == 1
    assert len(runner.services.evidence.find(first.run_id, kind="execution")) == 1


def test_force_starts_a_second_attempt_that_sees_the_first(make_runner: MakeRunner) -> None:
    runner = make_runner({})
    first = runner.review("hh-b", requested_by="alice")
    second = runner.review("hh-b", requested_by="alice", force=True)

    assert second.run_id != first.run_id and second.run_id.endswith("-2")
    observation = runner.services.evidence.find(second.run_id, kind="tool_call", node="perceive")[
        0
    ].outputs
    assert observation["first_run"] is False
    assert "first review of this household" not in observation["changes"]


_CRASH_SCRIPT = """
import os
import sys
from pathlib import Path

{patch}

from agent.review.runner import ReviewRunner
from tests.agent.datadir import TAXABLE
from tests.agent.scripted import ScriptedOptimizer, harvest_trades

data_dir = Path(sys.argv[1])
runner = ReviewRunner(data_dir, optimizer=ScriptedOptimizer({{TAXABLE: harvest_trades(data_dir)}}))
{action}
"""
_CRASH_AFTER_PROPOSAL_SAVED = """
from agent.review import runs
_save = runs.RunStore.save_proposal
def _save_then_die(self, run_id, proposal):
    digest = _save(self, run_id, proposal)
    os._exit(17)
runs.RunStore.save_proposal = _save_then_die
"""
_CRASH_AFTER_FILLS = """
from agent.review.nodes import execute
_append = execute.append_fills
def _append_then_die(data_dir, orders):
    _append(data_dir, orders)
    os._exit(17)
execute.append_fills = _append_then_die
"""


def _crash(tmp_path: Path, data_dir: Path, patch: str, action: str) -> None:
    script = tmp_path / "crash.py"
    script.write_text(_CRASH_SCRIPT.format(patch=textwrap.dedent(patch), action=action))
    result = run_python(str(script), str(data_dir))
    assert result.returncode == 17, result.stderr


def test_killed_in_propose_resumes_without_a_second_proposal(
    tmp_path: Path, make_runner: MakeRunner, data_dir: Path
) -> None:
    _crash(
        tmp_path,
        data_dir,
        _CRASH_AFTER_PROPOSAL_SAVED,
        'runner.review("hh-a", requested_by="alice")',
    )

    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")

    assert run.status == "pending_approval"
    assert len(runner.services.runs.list(household_id="hh-a")) == 1
    assert len(runner.services.evidence.find(run.run_id, kind="proposal")) == 1
    with runner.graph() as graph:
        state = graph.get_state({"configurable": {"thread_id": run.thread_id}})
    assert state.interrupts, "the resumed run waits at the approval interrupt"
    assert runner.approve(run.run_id, "bob").status == "executed"


def test_killed_in_execute_resumes_without_duplicate_orders(
    tmp_path: Path, make_runner: MakeRunner, data_dir: Path
) -> None:
    run = make_runner().review("hh-a", requested_by="alice")
    _crash(tmp_path, data_dir, _CRASH_AFTER_FILLS, f'runner.approve("{run.run_id}", "bob")')
    assert len(_order_rows(data_dir)) == 6  # the fills were written before the crash

    resumed = make_runner().review("hh-a", requested_by="alice")

    assert resumed.run_id == run.run_id and resumed.status == "executed"
    assert len(_order_rows(data_dir)) == 6
    runner = make_runner()
    assert len(runner.services.runs.orders(run.run_id)) == 6
    (execution,) = runner.services.evidence.find(run.run_id, kind="execution")
    assert execution.outputs["fill_rows_added"] == 0  # the resumed node found them written
    # the re-check ran once, before the crash: the resumed node found the orders committed
    assert len(runner.services.evidence.find(run.run_id, kind="check", node="execute")) == 5
