"""approval: wait for a person with ``interrupt()``; resumed by ``Command(resume=decision)``.

The node may be resumed from another process days later. The service refuses decisions that
break the rules (four-eyes, stale proposal) before resuming; this node checks again and, if a
caller bypassed the service, asks again instead of applying the decision. Everything before the
loop's exit re-runs on every resume, so it has no side effects.
"""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.review.context import ReviewContext
from agent.review.decision import Decision, refusal_reason
from agent.review.services import review_services
from agent.review.state import ReviewState


def approval(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    run = services.runs.get(state["run_id"])
    assert run is not None and run.proposal is not None and run.proposal_hash is not None
    policy = services.policy_for(run.household_id)
    request = {
        "run_id": run.run_id,
        "household_id": run.household_id,
        "impact": run.proposal["impact"],
        "impact_reasons": run.proposal["impact_reasons"],
        "requested_by": run.requested_by,
        "proposal_hash": run.proposal_hash,
        "trades": len(run.proposal["trades"]),
    }
    while True:
        decision = Decision.model_validate(interrupt(request))
        refused = refusal_reason(
            decision,
            requested_by=run.requested_by,
            impact=run.proposal["impact"],
            second_person_required=policy.approval.require_second_person,
            proposal_hash=run.proposal_hash,
            trade_count=len(run.proposal["trades"]),
        )
        if refused is None:
            break
        request = {**request, "refused": refused}
    status = "approved" if decision.decision == "approve" else "rejected"
    services.runs.record_decision(run.run_id, decision.model_dump(), run.proposal_hash)
    services.record_once(
        run.run_id,
        "approval",
        "approval",
        decision.model_dump(),
        {
            "status": status,
            "by": decision.by,
            "identity": decision.identity,
            "proposal_hash": run.proposal_hash,
            "dropped_trades": decision.drop,
            "comment": decision.comment,
        },
        policy_version=state.get("policy_version"),
    )
    services.runs.set_status(run.run_id, status)
    return {"status": status, "decision": decision.model_dump()}
