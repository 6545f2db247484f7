"""Start, resume, approve and reject reviews: the API behind the CLI, chat and daily runs.

One LangGraph thread per run; a run is keyed by household and as-of date, so asking for the
same review twice returns the existing run (``force`` starts a new attempt). A run whose
process died mid-graph (nodes left to run, or a decision stored but not yet applied) is
finished from its last checkpoint by the next request that touches it: ``review``,
``approve``/``reject``, ``recover`` (``runs show``) and the daily run.

Every request names who acts: an :class:`~agent.identity.Identity` authenticated by the caller
(the CLI, the chat, a web app), or a plain name, which in-process callers vouch for
(:func:`~agent.identity.vouched`). Either way the runner checks the role the action needs and
the four-eyes rule on normal-form names, and records who acted and how.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
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
from agent.review.checks import execution_recheck
from agent.review.context import ReviewContext
from agent.review.decision import Decision, DecisionRefusedError, refusal_reason
from agent.review.graph import build_review_graph
from agent.review.lease import lease
from agent.review.optimize import AccountOptimizer, ToolsOptimizer
from agent.review.proposal import Proposal
from agent.review.runs import AlreadyDecidedError, RunRecord
from agent.review.services import ReviewServices, review_services
from tools.errors import DataValidationError, Problem
from tools.household_policy import household_policy

CHECKPOINT_FILE = "checkpoints.sqlite"


class UnknownRunError(LookupError):
    """No run with this id in the data directory's state."""


class NotPendingError(ValueError):
    """The run is not waiting for approval."""


class ReviewFailedError(RuntimeError):
    """The graph failed; the run records why (an error record, status ``failed``)."""


# Statuses after which no node is left to run.
FINAL_STATUSES = frozenset({"no_action", "rejected", "executed", "failed"})


@dataclass
class ReviewRunner:
    data_dir: Path
    state_dir: Path | None = None
    planner: Planner = field(default_factory=RulePlanner)
    optimizer: AccountOptimizer = field(default_factory=ToolsOptimizer)
    paper: bool = True
    recovered: list[str] = field(default_factory=list)  # runs this runner finished for others

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
        requester needs the advisor role.

        One review per household and day at a time (a lease): a second request waits and
        returns the first one's run. A failed run is not resumed; asking again starts a new
        attempt.
        """
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
        household_policy(snapshot.data, household_id)  # and the policy
        as_of_text = snapshot.data.as_of.isoformat()
        assert self.state_dir is not None
        _require_writable(self.state_dir)
        with lease(self.state_dir, f"review {household_id} {as_of_text}"):
            existing = self.services.runs.latest(household_id, as_of_text)
            if existing is not None and not force and existing.status != "failed":
                self._recover(existing)
                return self._get(existing.run_id)
            run = self.services.runs.create(
                household_id, as_of_text, requester.name, requester.evidence()
            )
            with self._run_lease(run.run_id):
                self._invoke(run, _start(run))
        return self._get(run.run_id)

    def recover(self, run_id: str) -> RunRecord:
        """The run, after finishing whatever a dead process left of it (``runs show``)."""
        self._recover(self._get(run_id))
        return self._get(run_id)

    def _recover(self, run: RunRecord) -> None:
        """Finish the nodes a dead process left (none when done or waiting for a person).

        Under the run's lease, so never while a live process works on it. A decision stored
        in the run store is the checkpoint of an approval: a process that died after storing
        it, before its graph step was saved, is resumed with that same decision.
        """
        if run.status in FINAL_STATUSES:
            return
        with self._run_lease(run.run_id):
            run = self._get(run.run_id)
            if run.status in FINAL_STATUSES:
                return  # the process we waited for finished it
            with self.graph() as graph:
                current = graph.get_state(_config(run))
            payload: dict[str, Any] | Command | None
            if not current.values and run.status == "running":  # died before the first step
                payload = _start(run)
            elif current.next and not current.interrupts:
                payload = None
            elif current.interrupts and (decided := self.services.runs.decision(run.run_id)):
                stored = self.services.runs.decision_payload(run.run_id)
                payload = Command(resume=stored or _decision_payload(decided))
            else:
                return
            self._invoke(run, payload)
            self.recovered.append(run.run_id)

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
        """Record one decision and resume the run with it.

        Under the run's lease: of two approvers acting at once, the second waits, then is
        told who decided (``AlreadyDecidedError``). A run whose decision a dead process left
        unfinished is finished first; this command then succeeds when it asked for that same
        decision, and is told the run was already decided when it asked for another.
        """
        self._recover(self._get(run_id))
        with self._run_lease(run_id):
            run = self._get(run_id)
            decided = self.services.runs.decision(run_id)
            if decided is not None:
                asked = {**fields, "by": actor.name}
                if run_id in self.recovered and _same_decision(decided, asked):
                    return run
                raise AlreadyDecidedError(run_id, decided)
            if run.status != "pending_approval" or run.proposal is None:
                raise NotPendingError(f"run {run_id} is {run.status}, not pending approval")
            assert run.proposal_hash is not None
            decision = Decision(
                **fields, by=actor.name, identity=actor.evidence(), proposal_hash=run.proposal_hash
            )
            policy = self.services.policy_for(run.household_id)
            refused = (
                _not_permitted(actor, decision, run.requested_by)
                or refusal_reason(
                    decision,
                    requested_by=run.requested_by,
                    impact=run.proposal["impact"],
                    second_person_required=policy.approval.require_second_person,
                    proposal_hash=run.proposal_hash,
                    trade_count=len(run.proposal["trades"]),
                )
                or self._dropped_trades_fail(run, decision)
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
            self.services.runs.claim_decision(run_id, decision.model_dump(), run.proposal_hash)
            self._invoke(run, Command(resume=decision.model_dump()))
        return self._get(run_id)

    def _dropped_trades_fail(self, run: RunRecord, decision: Decision) -> str | None:
        """Why the proposal without the dropped trades fails execute's re-check, if it does.

        Dropping a sale can leave the buys it paid for without cash, or a buy a sale's wash
        window counted on; the approver hears it now and the run stays pending, rather than
        the approval ending as a rejection at execution.
        """
        if decision.decision != "approve" or not decision.drop:
            return None
        assert run.proposal is not None
        proposal = Proposal.model_validate(run.proposal)
        kept = [t for n, t in enumerate(proposal.trades, 1) if n not in set(decision.drop)]
        recheck = execution_recheck(self.services.snapshot(None), run.household_id, kept)
        if recheck.missing:
            return f"no latest price for {', '.join(recheck.missing)}"
        failed = [outcome for _, outcome in recheck.checks if not outcome.passed]
        if not failed:
            return None
        dropped = ", ".join(str(n) for n in sorted(set(decision.drop)))
        remaining = ", ".join(
            str(n) for n in range(1, len(proposal.trades) + 1) if n not in set(decision.drop)
        )
        return (
            f"without trade(s) {dropped} the remaining trades ({remaining}, numbered from 1 "
            "below) fail their checks: " + "; ".join(f"{o.name}: {o.detail}" for o in failed)
        )

    def _run_lease(self, run_id: str) -> AbstractContextManager[None]:
        assert self.state_dir is not None
        return lease(self.state_dir, f"run {run_id}")

    def _invoke(self, run: RunRecord, payload: dict[str, Any] | Command | None) -> None:
        """Run the graph; a failure is recorded as an error record, and a run that had not
        yet proposed becomes ``failed`` (a decided one stays as it is, for recovery)."""
        try:
            with self.graph() as graph:
                graph.invoke(payload, _config(run), context=self.context, durability="sync")
        except Exception as error:
            self._record_failure(run.run_id, error)
            if isinstance(error, DataValidationError | OSError | sqlite3.Error):
                raise  # bad input and storage failures keep their own one-line messages
            raise ReviewFailedError(f"run {run.run_id} failed: {describe(error)}") from error

    def _record_failure(self, run_id: str, error: Exception) -> None:
        current = self._get(run_id)
        self.services.evidence.append(
            run_id,
            "runner",
            "error",
            {"status": current.status},
            {"error": describe(error)},
        )
        if current.status == "running":
            self.services.runs.set_status(run_id, "failed", describe(error))

    def _get(self, run_id: str) -> RunRecord:
        run = self.services.runs.get(run_id)
        if run is None:
            raise UnknownRunError(f"no run {run_id} under {self.data_dir.name}")
        return run


def _require_writable(folder: Path) -> None:
    """Fail before any run row exists when the state folder takes no new file: the run store
    could still write its row while the evidence store cannot, leaving a run without records."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(folder)) from error


def _config(run: RunRecord) -> RunnableConfig:
    return {"configurable": {"thread_id": run.thread_id}}


def _decision_payload(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored decision as the approval node's resume value (without ``decided_at``)."""
    return {name: stored[name] for name in Decision.model_fields if name in stored}


def _same_decision(stored: dict[str, Any], asked: dict[str, Any]) -> bool:
    return all(stored[name] == asked.get(name, stored[name]) for name in ("by", "decision"))


def describe(error: BaseException) -> str:
    """One line naming the error (what failure records and messages say)."""
    return f"{type(error).__name__}: {error}"


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
