"""Graph state: small JSON-like values and ids only.

Lots, prices and trade lists live in stores (the data directory and the run store), never in
checkpoints: the checkpoint only carries what is needed to find them again.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

RunStatus = Literal["no_action", "pending_approval", "approved", "rejected", "executed"]


class ReviewState(TypedDict, total=False):
    run_id: str
    household_id: str
    as_of: str  # YYYY-MM-DD
    requested_by: str  # normal-form name (agent.identity.names)
    requester: dict[str, Any] | None  # the requester's Identity.evidence(): typed name, method
    snapshot_hash: str  # sha256 over the input files' digests and the as-of date
    policy_version: str
    observation: dict[str, Any]  # perceive's summary (counts, TE per account, changes)
    plan: dict[str, Any]  # the planner's Plan, as JSON
    checks_passed: bool
    impact: Literal["low", "high"]
    status: RunStatus
    decision: dict[str, Any]  # the approver's Decision, as JSON
    error: str
