"""reason: the planner decides what evaluate will look at (it never computes or checks).

A planner may not be deterministic (the LLM planner), so a resumed node reuses the plan its
first attempt recorded instead of asking again.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.llm.trace import TracedPlanner, record_trace
from agent.planners.base import Observation, Plan
from agent.review.context import ReviewContext
from agent.review.services import review_services
from agent.review.state import ReviewState


def reason(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    recorded = services.evidence.find(state["run_id"], kind="planner_decision", node="reason")
    if recorded:
        return {"plan": Plan.model_validate(recorded[-1].outputs).model_dump()}
    planner = runtime.context.planner
    observation = Observation.model_validate(state["observation"])
    plan = planner.plan(observation)
    if isinstance(planner, TracedPlanner):
        record_trace(
            services.evidence,
            state["run_id"],
            planner.take_trace(),
            policy_version=state.get("policy_version"),
        )
    services.record_once(
        state["run_id"],
        "reason",
        "planner_decision",
        {"planner": planner.name, "observation": observation.model_dump()},
        plan.model_dump(),
        policy_version=state.get("policy_version"),
    )
    return {"plan": plan.model_dump()}
