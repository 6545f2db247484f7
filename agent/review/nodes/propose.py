"""propose: the Proposal (docs/CONTRACTS.md §3), its impact, and who has to decide.

Status: ``rejected`` when a portfolio-level check failed, ``no_action`` without trades,
``pending_approval`` when impact is high or auto-approval is off, else ``approved`` by
``lotwise-auto``. ``evidence.head_hash`` is the head of the run's chain when the proposal was
made; the ``proposal`` record that follows has it as ``prev_hash``. A resumed node re-uses the
recorded proposal, so a crash never produces a second one.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.identity import AUTO_APPROVER
from agent.llm.narrative import Narrator
from agent.planners.base import Observation, Plan
from agent.review.context import ReviewContext
from agent.review.evaluation import Evaluation
from agent.review.impact import ImpactInputs, classify_impact
from agent.review.proposal import EvidenceRef, Proposal
from agent.review.rationale import rationale
from agent.review.services import ReviewServices, review_services
from agent.review.state import ReviewState, RunStatus
from policies import Policy
from tools.household_policy import household_policy


def propose(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    run_id = state["run_id"]
    recorded = services.evidence.find(run_id, kind="proposal", node="propose")
    if recorded:
        proposal = Proposal.model_validate(recorded[-1].outputs)
    else:
        proposal = _build(services, state, runtime.context.narrator)
        services.evidence.append(
            run_id,
            "propose",
            "proposal",
            {"evaluation": services.runs.evaluation(run_id), "plan": state["plan"]},
            proposal.model_dump(),
            policy_version=proposal.policy_version,
        )
    proposal_hash = services.runs.save_proposal(run_id, proposal.model_dump())
    if proposal.status == "approved":
        decision = {
            "by": AUTO_APPROVER,
            "decision": "approve",
            "comment": "low impact, auto-approved by policy",
            "drop": [],
            "proposal_hash": proposal_hash,
        }
        services.runs.record_decision(run_id, decision, proposal_hash)
        services.record_once(
            run_id,
            "propose",
            "approval",
            decision,
            {"status": "approved", "by": AUTO_APPROVER},
            policy_version=proposal.policy_version,
        )
    return {"status": proposal.status, "impact": proposal.impact}


def _build(
    services: ReviewServices, state: ReviewState, narrator: Narrator | None = None
) -> Proposal:
    run_id = state["run_id"]
    stored = services.runs.evaluation(run_id)
    assert stored is not None, "evaluate stores its result before propose runs"
    evaluation = Evaluation.model_validate(stored)
    observation = Observation.model_validate(state["observation"])
    plan = Plan.model_validate(state["plan"])
    snapshot = services.snapshot(state["as_of"])
    policy = household_policy(snapshot.data, state["household_id"])
    metrics = evaluation.metrics
    impact, reasons = classify_impact(
        ImpactInputs(
            realized_short=metrics.realized_short,
            realized_long=metrics.realized_long,
            turnover=metrics.turnover,
            te_after=metrics.te_after,
            te_budget=metrics.te_budget,
            concentrated_symbols_traded=tuple(evaluation.concentrated_traded),
            first_run=observation.first_run,
            planner_flags=(*plan.flags, *evaluation.flags),
            trade_count=len(evaluation.trades),
        ),
        policy,
    )
    status, status_reason = _status(evaluation, impact, policy)
    proposal = Proposal(
        run_id=run_id,
        household_id=state["household_id"],
        as_of=state["as_of"],
        policy_version=state["policy_version"],
        status=status,
        impact=impact,
        impact_reasons=reasons,
        trades=evaluation.trades,
        metrics=metrics,
        checks=evaluation.checks,
        evidence=EvidenceRef(run_id=run_id, head_hash=services.evidence.head(run_id)),
        alerts={a.account_id: a.te_status for a in observation.accounts},
        status_reason=status_reason,
    )
    text = rationale(proposal, evaluation, plan, policy)
    if narrator is not None:
        text = narrator.narrate(proposal, text, services.evidence)
        # The narrator records its exchange: the proposal cites the chain's new head.
        proposal = proposal.model_copy(
            update={
                "evidence": EvidenceRef(run_id=run_id, head_hash=services.evidence.head(run_id))
            }
        )
    return proposal.model_copy(update={"rationale": text})


def _status(evaluation: Evaluation, impact: str, policy: Policy) -> tuple[RunStatus, str]:
    failed = [check for check in evaluation.checks if not check.passed]
    if failed:
        return "rejected", "checks failed: " + "; ".join(
            f"{check.name}: {check.detail}" for check in failed
        )
    if not evaluation.trades:
        return "no_action", ""
    if impact == "high":
        return "pending_approval", "high impact: a person must approve"
    if not policy.approval.auto_approve_low_impact:
        return "pending_approval", "the policy does not auto-approve"
    return "approved", "low impact, auto-approved by policy"
