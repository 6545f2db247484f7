"""What a traced planner did, written to the evidence log by the reason node.

Every model exchange becomes an ``llm_call`` record (prompt, answer, tool calls; secrets
redacted by the store), every tool the model ran a ``tool_call`` record, and the outcome an
``llm_call`` record (the plan was the model's) or an ``error`` record (the rule planner's plan
was used instead, and why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from agent.evidence.records import LLMCall
from agent.evidence.store import EvidenceStore

NODE = "reason"


@dataclass(frozen=True)
class ToolUse:
    name: str
    args: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class PlannerTrace:
    planner: str
    fallback_reason: str | None  # set when the rule planner's plan was used
    events: list[LLMCall | ToolUse] = field(default_factory=list)  # in the order they happened
    requested_trades: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # dropped steps, suspicious data fields

    @property
    def fell_back(self) -> bool:
        return self.fallback_reason is not None


@runtime_checkable
class TracedPlanner(Protocol):
    def take_trace(self) -> PlannerTrace | None: ...


def record_trace(
    evidence: EvidenceStore,
    run_id: str,
    trace: PlannerTrace | None,
    policy_version: str | None = None,
) -> None:
    if trace is None:
        return
    for number, event in enumerate(trace.events, start=1):
        if isinstance(event, ToolUse):
            evidence.append(
                run_id,
                NODE,
                "tool_call",
                {"tool": event.name, "args": event.args},
                event.result,
                policy_version=policy_version,
            )
        else:
            evidence.append(
                run_id,
                NODE,
                "llm_call",
                {"purpose": "plan", "event": number},
                {"tool_calls": [c.get("name") for c in event.tool_calls]},
                policy_version=policy_version,
                llm=event,
            )
    outcome = {
        "planner": trace.planner,
        "requested_trades": trace.requested_trades,
        "notes": trace.notes,
    }
    if trace.fell_back:
        evidence.append(
            run_id,
            NODE,
            "error",
            {"planner": trace.planner},
            {**outcome, "fallback": "rules", "reason": trace.fallback_reason},
            policy_version=policy_version,
        )
    else:
        evidence.append(
            run_id,
            NODE,
            "llm_call",
            {"planner": trace.planner, "outcome": True},
            outcome,
            policy_version=policy_version,
        )
