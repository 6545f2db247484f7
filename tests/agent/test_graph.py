"""Graph paths: interrupt and resume, reject, edit, no action, auto-approval, the contract."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from agent.evidence.verify import verify_run
from agent.identity import AUTO_APPROVER, SYSTEM_IDENTITY
from agent.paths import state_dir_for
from agent.review.context import ReviewContext
from agent.review.graph import build_review_graph
from agent.review.runner import ReviewRunner
from agent.review.runs import proposal_digest
from agent.review.services import review_services
from tests.agent.datadir import QUIET_ACCOUNT, TAXABLE, read_transactions, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades
from tests.contract import METRIC_KEYS, TRADE_KEYS

PROPOSAL_KEYS = {
    "run_id",
    "household_id",
    "as_of",
    "policy_version",
    "status",
    "impact",
    "impact_reasons",
    "trades",
    "metrics",
    "checks",
    "evidence",
}
OPTIONAL_KEYS = {"rationale", "status_reason", "alerts"}  # documented optional additions
CHECK_KEYS = {"name", "passed", "detail", "evidence_seq"}

MakeRunner = Callable[..., ReviewRunner]


def test_in_memory_graph_interrupts_then_resumes_to_execution(data_dir: Path) -> None:
    context = ReviewContext(
        data_dir=data_dir,
        state_dir=state_dir_for(data_dir),
        optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)}),
    )
    services = review_services(context)
    run = services.runs.create("hh-a", "2026-11-20", "alice")
    graph = build_review_graph(InMemorySaver())
    config = {"configurable": {"thread_id": run.thread_id}}

    first = graph.invoke(
        {"run_id": run.run_id, "household_id": "hh-a", "as_of": run.as_of, "requested_by": "alice"},
        config,
        context=context,
    )

    assert first["status"] == "pending_approval"
    (waiting,) = first["__interrupt__"]
    assert waiting.value["impact"] == "high"
    stored = services.runs.get(run.run_id)
    assert stored is not None and stored.proposal_hash == waiting.value["proposal_hash"]
    final = graph.invoke(
        Command(resume={"by": "bob", "decision": "approve", "proposal_hash": stored.proposal_hash}),
        config,
        context=context,
    )
    assert final["status"] == "executed"
    assert len(services.runs.orders(run.run_id)) == 6
    assert verify_run(services.evidence.path, run.run_id).ok


def test_sqlite_runner_waits_for_a_second_person_then_executes(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    assert run.status == "pending_approval"
    assert [r.run_id for r in runner.pending()] == [run.run_id]

    done = runner.approve(run.run_id, "bob", comment="fine")

    assert done.status == "executed" and done.proposal is not None
    assert done.proposal["status"] == "executed"
    fills = [row for row in read_transactions(data_dir) if row.get("order_id")]
    assert [row["order_id"] for row in fills] == [f"{run.run_id}-{n}" for n in range(1, 7)]
    state_dir = state_dir_for(data_dir)
    assert (state_dir / "orders" / f"{run.run_id}.csv").read_text().count("\n") == 7
    decision = runner.services.runs.decision(run.run_id)
    assert decision is not None and decision["by"] == "bob"


def test_reject_records_the_reason_and_writes_nothing(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    runner = make_runner()
    before = read_transactions(data_dir)
    run = runner.review("hh-a", requested_by="alice")

    done = runner.reject(run.run_id, "bob", "wait for year end")

    assert done.status == "rejected"
    assert runner.services.runs.orders(run.run_id) == []
    assert read_transactions(data_dir) == before
    approvals = runner.services.evidence.find(run.run_id, kind="approval")
    assert approvals[-1].outputs["comment"] == "wait for year end"


def test_approval_with_dropped_trades_executes_the_rest(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    assert run.proposal is not None
    proposed = run.proposal["trades"]

    done = runner.approve(run.run_id, "bob", drop=[5, 6])

    orders = runner.services.runs.orders(done.run_id)
    assert done.status == "executed"
    assert [(o["symbol"], o["side"]) for o in orders] == [
        (t["symbol"], t["side"]) for t in proposed[:4]
    ]


def test_no_trades_is_a_no_action_day(make_runner: MakeRunner) -> None:
    runner = make_runner({})
    run = runner.review("hh-b", requested_by="alice")

    assert run.status == "no_action" and run.proposal is not None
    assert run.proposal["trades"] == [] and run.proposal["metrics"]["turnover"] == 0.0
    assert runner.pending() == []
    assert runner.services.evidence.find(run.run_id, kind="proposal")


def test_low_impact_is_auto_approved_and_executed(tmp_path: Path) -> None:
    data_dir = write_data_dir(
        tmp_path / "data", policy={"approval": {"high_impact_first_run": False}}
    )
    runner = ReviewRunner(
        data_dir, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)})
    )

    run = runner.review("hh-a", requested_by=SYSTEM_IDENTITY)

    assert run.status == "executed" and run.proposal is not None
    assert run.proposal["impact"] == "low"
    decision = runner.services.runs.decision(run.run_id)
    assert decision is not None and decision["by"] == AUTO_APPROVER


def test_high_impact_waits_even_when_auto_approval_is_on(make_runner: MakeRunner) -> None:
    run = make_runner().review("hh-a", requested_by=SYSTEM_IDENTITY)

    assert run.status == "pending_approval" and run.proposal is not None
    assert run.proposal["impact_reasons"] == ["first run for this household"]


def test_proposal_json_has_exactly_the_contract_keys(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    proposal = run.proposal
    assert proposal is not None

    assert PROPOSAL_KEYS <= set(proposal) <= PROPOSAL_KEYS | OPTIONAL_KEYS
    assert proposal["trades"] and all(set(t) == set(TRADE_KEYS) for t in proposal["trades"])
    assert all(set(lot) == {"lot_id", "quantity"} for t in proposal["trades"] for lot in t["lots"])
    assert set(proposal["metrics"]) == METRIC_KEYS
    assert all(set(c) == CHECK_KEYS for c in proposal["checks"])
    assert set(proposal["evidence"]) == {"run_id", "head_hash"}
    assert proposal["status"] == "pending_approval" and proposal["impact"] in {"low", "high"}
    assert all(t["reason"] in {"harvest", "replacement"} for t in proposal["trades"])


def test_proposal_cites_its_evidence(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    assert run.proposal is not None
    evidence = runner.services.evidence

    (record,) = evidence.find(run.run_id, kind="proposal")
    assert record.prev_hash == run.proposal["evidence"]["head_hash"]
    checks = {r.seq: r for r in evidence.find(run.run_id, kind="check")}
    for check in run.proposal["checks"]:
        assert checks[check["evidence_seq"]].outputs["passed"] is check["passed"]
        assert checks[check["evidence_seq"]].outputs["detail"] == check["detail"]
    kinds = [r.kind for r in evidence.records(run.run_id)]
    assert kinds[:3] == ["input_snapshot", "tool_call", "planner_decision"]
    assert verify_run(evidence.path, run.run_id).ok


def test_metrics_match_the_harvested_lots(make_runner: MakeRunner, data_dir: Path) -> None:
    trades = harvest_trades(data_dir)
    run = make_runner().review("hh-a", requested_by="alice")
    assert run.proposal is not None
    metrics = run.proposal["metrics"]
    runner = make_runner()
    lots = {lot.lot_id: lot for lot in runner.services.snapshot().open_lots(TAXABLE)}

    expected = sum(
        t.quantity * t.est_price - lots[t.lots[0].lot_id].cost_basis
        for t in trades
        if t.side == "sell"
    )
    assert expected < 0
    assert metrics["realized_short"] == pytest.approx(expected)
    assert metrics["harvested_losses"] == pytest.approx(-expected)
    assert metrics["est_tax_savings"] == pytest.approx(-expected * (0.37 + 0.05 + 0.038))
    assert metrics["te_budget"] == 0.03


def test_decision_on_a_changed_proposal_is_refused(make_runner: MakeRunner) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    assert run.proposal is not None
    assert run.proposal_hash == proposal_digest(run.proposal)
    context = runner.context
    config = {"configurable": {"thread_id": run.thread_id}}
    with runner.graph() as graph:
        result = graph.invoke(
            Command(resume={"by": "bob", "decision": "approve", "proposal_hash": "stale"}),
            config,
            context=context,
        )
    assert result["__interrupt__"][0].value["refused"].startswith("the proposal changed")
    assert runner.services.runs.get(run.run_id).status == "pending_approval"  # type: ignore[union-attr]


def test_quiet_account_is_untouched_by_another_households_review(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    runner.approve(run.run_id, "bob")

    fills = [row for row in read_transactions(data_dir) if row.get("order_id")]
    assert fills and all(row["account_id"] != QUIET_ACCOUNT for row in fills)
