"""Start, resume, approve and reject reviews: the API behind the CLI, chat and daily runs.

One LangGraph thread per run; a run is keyed by household and as-of date, so asking for the
same review twice returns the existing run (``force`` starts a new attempt). A run whose
process died mid-graph (its thread has nodes left to run and is not waiting at the approval
interrupt) is resumed from its last checkpoint by the next request that touches it.

Every request names who acts: an :class:`~agent.identity.Identity` authenticated by the caller
(the CLI, the chat, a web app), or a plain name, which in-process callers vouch for
(:func:`~agent.identity.vouched`). Either way the runner checks the role the action needs and
the four-eyes rule on normal-form names, and records who acted and how.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agent.identity import (
    Action,
    Identity,
    RefusedError,
    UserStore,
    same_person,
    vouched,
)
from agent.paths import state_dir_for
from agent.planners.base import Planner
from agent.planners.rules import RulePlanner
from agent.review.context import ReviewContext
from agent.review.decision import Decision, DecisionRefusedError, refusal_reason
from agent.review.graph import build_review_graph
from agent.review.optimize import AccountOptimizer, ToolsOptimizer
from agent.review.runs import RunRecord
from agent.review.services import ReviewServices, review_services
from tools.errors import DataValidationError, Problem

CHECKPOINT_FILE = "checkpoints.sqlite"


class UnknownRunError(LookupError):
    """No run with this id in the data directory's state."""


class NotPendingError(ValueError):
    """The run is not waiting for approval."""


@dataclass
class ReviewRunner:
    data_dir: Path
    state_dir: Path | None = None
    planner: Planner = field(default_factory=RulePlanner)
    optimizer: AccountOptimizer = field(default_factory=ToolsOptimizer)
    paper: bool = True

    def __post_init__(self) -> None:
        if not self.data_dir.is_dir():
            raise DataValidationError.single(
                self.data_dir.name, None, None, "no such data directory"
            )
        self.state_dir = state_dir_for(self.data_dir, self.state_dir)
        self.context = ReviewContext(
            data_dir=self.data_dir,
            state_dir=self.state_dir,
            planner=self.planner,
            optimizer=self.optimizer,
            paper=self.paper,
        )

    @property
    def services(self) -> ReviewServices:
        return review_services(self.context)

    @property
    def users(self) -> UserStore:
        assert self.state_dir is not None
        return UserStore.in_state_dir(self.state_dir)

    def identity_of(self, who: Identity | str) -> Identity:
        """``who`` as an identity: authenticated already, or a name the caller vouches for."""
        return who if isinstance(who, Identity) else vouched(self.users, who)

    @contextmanager
    def graph(self) -> Iterator[CompiledStateGraph]:
        assert self.state_dir is not None
        conn = sqlite3.connect(self.state_dir / CHECKPOINT_FILE, check_same_thread=False)
        try:
            yield build_review_graph(SqliteSaver(conn))
        finally:
            conn.close()

    def review(
        self,
        household_id: str,
        as_of: str | None = None,
        requested_by: Identity | str = "unknown",
        force: bool = False,
    ) -> RunRecord:
        """Run (or return, or resume) the review of ``household_id`` on ``as_of``; the
        requester needs the advisor role."""
        requester = self.identity_of(requested_by)
        requester.require(Action.REQUEST_REVIEW)
        snapshot = self.services.snapshot(as_of)  # validates the data before any run exists
        if household_id not in snapshot.data.households:
            raise DataValidationError(
                [
                    Problem(
                        "accounts.csv",
                        None,
                        "household_id",
                        f"unknown household {household_id!r}; known: "
                        + ", ".join(sorted(snapshot.data.households)),
                    )
                ]
            )
        as_of_text = snapshot.data.as_of.isoformat()
        existing = self.services.runs.latest(household_id, as_of_text)
        if existing is not None and not force:
            self._resume_if_crashed(existing)
            return self._get(existing.run_id)
        run = self.services.runs.create(
            household_id, as_of_text, requester.name, requester.evidence()
        )
        self._invoke(run, _start(run))
        return self._get(run.run_id)

    def _resume_if_crashed(self, run: RunRecord) -> None:
        """Finish the nodes a dead process left (none when done or waiting for a person)."""
        config = {"configurable": {"thread_id": run.thread_id}}
        with self.graph() as graph:
            current = graph.get_state(config)
            if not current.values and run.status == "running":  # died before the first step
                graph.invoke(_start(run), config, context=self.context, durability="sync")
            elif current.next and not current.interrupts:
                graph.invoke(None, config, context=self.context, durability="sync")

    def approve(
        self,
        run_id: str,
        by: Identity | str,
        comment: str = "",
        drop: list[int] | None = None,
    ) -> RunRecord:
        """Approve as ``by`` (approver role; not the requester of a high-impact proposal)."""
        return self._decide(
            run_id,
            self.identity_of(by),
            {"decision": "approve", "comment": comment, "drop": list(drop or [])},
        )

    def reject(self, run_id: str, by: Identity | str, reason: str) -> RunRecord:
        """Reject as ``by``: an approver, or the requester withdrawing their own proposal."""
        return self._decide(run_id, self.identity_of(by), {"decision": "reject", "comment": reason})

    def pending(self) -> list[RunRecord]:
        return self.services.runs.list(status="pending_approval")

    def _decide(self, run_id: str, actor: Identity, fields: dict[str, Any]) -> RunRecord:
        self._resume_if_crashed(self._get(run_id))
        run = self._get(run_id)
        if run.status != "pending_approval" or run.proposal is None:
            raise NotPendingError(f"run {run_id} is {run.status}, not pending approval")
        assert run.proposal_hash is not None
        decision = Decision(
            **fields, by=actor.name, identity=actor.evidence(), proposal_hash=run.proposal_hash
        )
        policy = self.services.policy_for(run.household_id)
        refused = _not_permitted(actor, decision, run.requested_by) or refusal_reason(
            decision,
            requested_by=run.requested_by,
            impact=run.proposal["impact"],
            second_person_required=policy.approval.require_second_person,
            proposal_hash=run.proposal_hash,
            trade_count=len(run.proposal["trades"]),
        )
        if refused:
            self.services.evidence.append(
                run_id,
                "approval",
                "approval",
                decision.model_dump(),
                {"refused": refused, "by": actor.name, "identity": actor.evidence()},
                policy_version=run.proposal["policy_version"],
            )
            raise DecisionRefusedError(refused)
        self._invoke(run, Command(resume=decision.model_dump()))
        return self._get(run_id)

    def _invoke(self, run: RunRecord, payload: dict[str, Any] | Command | None) -> None:
        config = {"configurable": {"thread_id": run.thread_id}}
        with self.graph() as graph:
            graph.invoke(payload, config, context=self.context, durability="sync")

    def _get(self, run_id: str) -> RunRecord:
        run = self.services.runs.get(run_id)
        if run is None:
            raise UnknownRunError(f"no run {run_id} under {self.data_dir.name}")
        return run


def _not_permitted(actor: Identity, decision: Decision, requested_by: str) -> str | None:
    """Why ``actor``'s role does not allow ``decision`` (None when it does). A requester may
    withdraw (reject) their own proposal without the approver role."""
    if actor.is_system:
        return f"{actor.name} is lotwise itself and never decides for a person"
    action = Action.APPROVE if decision.decision == "approve" else Action.REJECT
    if action is Action.REJECT and same_person(actor.name, requested_by):
        return None
    try:
        actor.require(action)
    except RefusedError as error:
        return str(error)
    return None


def _start(run: RunRecord) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "household_id": run.household_id,
        "as_of": run.as_of,
        "requested_by": run.requested_by,
        "requester": run.requester,
    }
