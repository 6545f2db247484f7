"""An approver's decision, and the four-eyes rule it must satisfy."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.identity import is_reserved, same_person


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    by: str  # the decider's normal-form name (agent.identity.names)
    decision: Literal["approve", "reject"]
    comment: str = ""
    drop: list[int] = Field(default_factory=list)  # 1-based trade numbers removed on approval
    proposal_hash: str  # the proposal the approver saw
    identity: dict[str, Any] | None = None  # who decided and how they were authenticated

    @field_validator("by")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the approver must be named")
        return value.strip()


class DecisionRefusedError(ValueError):
    """The decision cannot be applied (four-eyes rule, stale proposal, bad trade numbers)."""


def refusal_reason(
    decision: Decision,
    *,
    requested_by: str,
    impact: str,
    second_person_required: bool,
    proposal_hash: str,
    trade_count: int,
) -> str | None:
    """Why ``decision`` may not be applied, or None when it may."""
    if decision.proposal_hash != proposal_hash:
        return "the proposal changed since it was shown; review it again"
    if is_reserved(decision.by):
        return (
            f"{decision.by} is lotwise itself: it approves only low-impact proposals, by policy; "
            "a person decides the others"
        )
    if (
        decision.decision == "approve"
        and impact == "high"
        and second_person_required
        and same_person(decision.by, requested_by)
    ):
        return (
            f"high-impact proposal requested by {requested_by} needs a second person to approve it"
        )
    if decision.decision == "reject" and not decision.comment.strip():
        return "a rejection needs a reason"
    bad = [n for n in decision.drop if not 1 <= n <= trade_count]
    if bad:
        return f"no trade number {bad[0]} (the proposal has {trade_count} trades)"
    return None
