"""perceive and reason: what the review sees, what changed since last time, what it plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from agent.paths import state_dir_for
from agent.planners.base import Observation, Plan
from agent.review.runner import ReviewRunner
from tests.agent.datadir import IRA, QUIET_ACCOUNT, TAXABLE

MakeRunner = Callable[..., ReviewRunner]


def _observation(runner: ReviewRunner, run_id: str) -> Observation:
    (record,) = runner.services.evidence.find(run_id, kind="tool_call", node="perceive")
    return Observation.model_validate(record.outputs)


def test_first_observation_of_a_household(make_runner: MakeRunner, data_dir: Path) -> None:
    runner = make_runner({})
    run = runner.review("hh-a", requested_by="alice")

    observation = _observation(runner, run.run_id)

    assert observation.first_run and observation.changes == ["first review of this household"]
    (account,) = observation.accounts  # the held-away IRA is watched, not managed
    assert account.account_id == TAXABLE and account.te_budget == 0.03
    assert account.harvest_candidates >= 3 and account.harvestable_loss > 10_000
    assert 0 < account.te < account.te_budget and account.te_status == "ok"
    assert account.cash_fraction < 0.02 and not account.cash_above_band
    assert observation.gains_budget_left == 50_000
    alerts = json.loads((state_dir_for(data_dir) / "alerts.json").read_text())
    assert set(alerts["accounts"]) == {TAXABLE}
    plan = Plan.model_validate(
        runner.services.evidence.find(run.run_id, kind="planner_decision")[0].outputs
    )
    assert "harvest" in plan.actions_for(TAXABLE) and not plan.actions_for(IRA)


def test_changes_since_the_previous_run(make_runner: MakeRunner, data_dir: Path) -> None:
    runner = make_runner({})
    runner.review("hh-a", requested_by="alice")
    (data_dir / "restrictions.csv").write_text(
        "scope,scope_id,kind,target_type,target,reason\n"
        "household,hh-a,exclude,symbol,EDD,client request\n"
    )
    (data_dir / "pending.csv").write_text(
        "date,account_id,action,symbol,quantity\n2026-12-01,hh-a-ira,reinvest,HBB,2\n"
    )

    second = runner.review("hh-a", requested_by="alice", force=True)

    observation = _observation(runner, second.run_id)
    assert not observation.first_run
    assert observation.changes == [
        f"{TAXABLE}: now holds excluded EDD",
        "new restriction: exclude symbol EDD (household hh-a)",
        "pending purchase: 2026-12-01 reinvest 2 HBB in hh-a-ira",
    ]
    assert observation.accounts[0].excluded_holdings == ["EDD"]
    plan = Plan.model_validate(
        runner.services.evidence.find(second.run_id, kind="planner_decision")[0].outputs
    )
    assert "restriction_cleanup" in plan.actions_for(TAXABLE)


def test_breach_is_observed_and_planned_as_te_repair(make_runner: MakeRunner) -> None:
    runner = make_runner({})
    run = runner.review("hh-b", requested_by="alice")

    (account,) = _observation(runner, run.run_id).accounts
    assert account.account_id == QUIET_ACCOUNT
    assert account.te > account.te_budget and account.te_status == "breach"
    assert run.proposal is not None and run.proposal["alerts"] == {QUIET_ACCOUNT: "breach"}
    plan = Plan.model_validate(
        runner.services.evidence.find(run.run_id, kind="planner_decision")[0].outputs
    )
    assert "te_repair" in plan.actions_for(QUIET_ACCOUNT)
