"""Re-run a review's deterministic steps from its recorded inputs and compare every record.

The data files are restored as the run read them (``recorded_inputs``), into a scratch data
directory with a scratch state directory, and the review's own nodes run there: perceive
(ledger replay, tracking error, harvest candidates), reason (the rule planner; an LLM planner's
recorded plan is reused, as a resumed run does), evaluate (the optimizer and every check) and
propose. Each record they write must equal the recorded one: node, kind, policy version, the
digest of its inputs and its outputs. The execution re-check is replayed too when it ran on the
same data as the run (its inputs digest names that data's snapshot hash).

Not compared: timestamps, code version and checkpoint ids; the optimizer's solve timings; what
a language model said (its records are skipped, and a narrated rationale is taken as recorded);
a person's decision and the orders (not computations). Chain hashes differ in a replay (they
cover timestamps), so hashes quoted in outputs (the proposal's head hash) are compared by
position: the replayed record's hash stands for the recorded record at the same place.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agent.evidence.recorded_inputs import recorded_inputs, restore_inputs
from agent.evidence.records import EvidenceRecord
from agent.evidence.store import EvidenceStore, inputs_digest, unknown_run
from agent.planners.base import Observation, Plan
from agent.planners.rules import RulePlanner
from agent.review.checks import execution_recheck
from agent.review.context import ReviewContext
from agent.review.nodes.evaluate import evaluate
from agent.review.nodes.perceive import perceive
from agent.review.nodes.propose import propose
from agent.review.nodes.reason import reason
from agent.review.proposal import Proposal
from agent.review.runs import RunRecord, RunStore
from agent.review.services import RUNS_FILE, review_services
from agent.review.snapshot import load_snapshot
from agent.review.state import ReviewState
from tools.errors import DataValidationError

REPLAYED_NODES = ("perceive", "reason", "evaluate", "propose")
# Solve timings are measurements, not results.
UNCOMPARED_PATHS = frozenset({"outputs.details.timings"})


@dataclass(frozen=True)
class Difference:
    """The first place where the replay disagrees with the record."""

    seq: int  # the recorded record's seq
    path: str  # e.g. ``outputs.trades[3].quantity``
    recorded: Any
    replayed: Any

    def describe(self) -> str:
        return (
            f"seq {self.seq}, {self.path}: recorded {_short(self.recorded)}, "
            f"replayed {_short(self.replayed)}"
        )


@dataclass(frozen=True)
class ReplayResult:
    run_id: str
    compared: list[int]  # seqs of the records the replay reproduced and compared
    skipped: dict[int, str] = field(default_factory=dict)  # seq -> why it was not replayed
    grown_files: list[str] = field(default_factory=list)  # restored to their recorded prefix
    difference: Difference | None = None

    @property
    def identical(self) -> bool:
        return self.difference is None

    def document(self) -> dict[str, Any]:
        difference = self.difference
        return {
            "run_id": self.run_id,
            "identical": self.identical,
            "compared_seqs": self.compared,
            "skipped": [{"seq": seq, "why": why} for seq, why in sorted(self.skipped.items())],
            "grown_files": self.grown_files,
            "first_difference": None
            if difference is None
            else {
                "seq": difference.seq,
                "path": difference.path,
                "recorded": difference.recorded,
                "replayed": difference.replayed,
            },
        }


class RecordedPlanner:
    """Hands back the plan a non-deterministic planner recorded (as a resumed run does)."""

    def __init__(self, plan: Plan) -> None:
        self.name = plan.planner
        self._plan = plan

    def plan(self, observation: Observation) -> Plan:
        return self._plan


def replay_run(data_dir: Path, state_dir: Path, evidence_file: Path, run_id: str) -> ReplayResult:
    """Replay ``run_id`` of ``data_dir``; bad input if its files changed since (naming them)."""
    with EvidenceStore(evidence_file) as store:
        records = store.records(run_id)
    if not records:
        raise unknown_run(evidence_file, run_id)
    runs_file = state_dir / RUNS_FILE
    run = RunStore(runs_file).get(run_id) if runs_file.is_file() else None
    if run is None:
        raise DataValidationError.single(
            str(runs_file), None, "run_id", f"the run store has no run {run_id!r}"
        )
    inputs = recorded_inputs(records)
    snapshot_record = inputs.record
    wanted = inputs_digest({"as_of": run.as_of, "household_id": run.household_id})
    if snapshot_record.inputs_digest != wanted:
        return ReplayResult(
            run_id,
            [],
            difference=Difference(
                snapshot_record.seq,
                "inputs_digest",
                snapshot_record.inputs_digest,
                f"{wanted} (household and as-of of the run store)",
            ),
        )
    with tempfile.TemporaryDirectory(prefix="lotwise-replay-") as scratch:
        scratch_data, scratch_state = Path(scratch) / "data", Path(scratch) / "state"
        grown = restore_inputs(data_dir, inputs.files, scratch_data)
        scratch_state.mkdir()
        _seed_run_store(runs_file, scratch_state / RUNS_FILE, run)
        context = ReviewContext(
            data_dir=scratch_data,
            state_dir=scratch_state,
            planner=_planner_for(records),
            paper=False,
        )
        earlier = _earlier_observations(evidence_file, scratch_state / RUNS_FILE, run)
        with _scratch_evidence(context, earlier) as evidence:
            outcome = _run_nodes(context, run, records, evidence)
        execution_checks = _compare_execution_checks(records, scratch_data, run, outcome)
    return ReplayResult(
        run_id,
        outcome.compared + execution_checks.compared,
        skipped={**outcome.skipped, **execution_checks.skipped},
        grown_files=grown,
        difference=outcome.difference or execution_checks.difference,
    )


def _planner_for(records: list[EvidenceRecord]) -> RulePlanner | RecordedPlanner:
    decided = [r for r in records if r.kind == "planner_decision" and r.node == "reason"]
    if decided:
        plan = Plan.model_validate(decided[-1].outputs)
        if plan.planner != RulePlanner.name:
            return RecordedPlanner(plan)
    return RulePlanner()


def _seed_run_store(source: Path, destination: Path, run: RunRecord) -> None:
    """A copy of the run store as it was when ``run`` started: earlier runs only (perceive
    compares with the household's previous run), and this run not yet evaluated."""
    with (
        closing(sqlite3.connect(source)) as original,
        closing(sqlite3.connect(destination)) as copy,
    ):
        original.backup(copy)
        with copy:
            (rowid,) = copy.execute(
                "SELECT rowid FROM runs WHERE run_id = ?", (run.run_id,)
            ).fetchone()
            later = "SELECT run_id FROM runs WHERE rowid > ?"
            for table in ("evaluations", "decisions", "orders"):
                copy.execute(
                    f"DELETE FROM {table} WHERE run_id = ? OR run_id IN ({later})",
                    (run.run_id, rowid),
                )
            copy.execute("DELETE FROM runs WHERE rowid > ?", (rowid,))
            copy.execute(
                "UPDATE runs SET status = 'running', proposal_json = NULL, proposal_hash = NULL "
                "WHERE run_id = ?",
                (run.run_id,),
            )


def _earlier_observations(evidence_file: Path, runs_file: Path, run: RunRecord) -> dict[str, Any]:
    """What perceive recorded in the household's other runs (in the seeded run store)."""
    observations: dict[str, Any] = {}
    with EvidenceStore(evidence_file) as store:
        for earlier in RunStore(runs_file).list(household_id=run.household_id):
            if earlier.run_id == run.run_id:
                continue
            observed = store.find(earlier.run_id, kind="tool_call", node="perceive")
            if observed:
                observations[earlier.run_id] = observed[-1].outputs
    return observations


@contextmanager
def _scratch_evidence(context: ReviewContext, earlier: dict[str, Any]) -> Iterator[EvidenceStore]:
    """The scratch evidence store, holding what perceive reads of earlier runs."""
    evidence = review_services(context).evidence
    try:
        for earlier_run, observation in earlier.items():
            evidence.append(earlier_run, "perceive", "tool_call", {"tool": "observe"}, observation)
        yield evidence
    finally:
        evidence.close()


def _run_nodes(
    context: ReviewContext,
    run: RunRecord,
    recorded: list[EvidenceRecord],
    evidence: EvidenceStore,
) -> _Comparison:
    """perceive, reason, evaluate and propose, in the graph's order, on the scratch data;
    stops after the first node whose records differ from the recorded ones."""
    runtime = Runtime(context=context)
    state: ReviewState = {
        "run_id": run.run_id,
        "household_id": run.household_id,
        "as_of": run.as_of,
        "requested_by": run.requested_by,
        "requester": run.requester,
    }
    for node in (perceive, reason, evaluate, propose):
        state.update(node(state, runtime))
        so_far = _compare(recorded, evidence.records(run.run_id), complete=False)
        if so_far.difference is not None:
            return so_far
    return _compare(recorded, evidence.records(run.run_id))


@dataclass
class _Comparison:
    compared: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    difference: Difference | None = None
    # replayed seq -> recorded seq, replayed hash -> recorded hash, for aligned records
    seqs: dict[int, int] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


def _compare(
    recorded: list[EvidenceRecord], replayed: list[EvidenceRecord], complete: bool = True
) -> _Comparison:
    """Align the replayable recorded records with the replayed ones, in order, and compare
    (only as many as were replayed so far unless ``complete``)."""
    outcome = _Comparison()
    narrated = any(r.node == "propose" and r.kind == "llm_call" for r in recorded)
    expected: list[EvidenceRecord] = []
    for record in recorded:
        why = _not_replayed(record)
        if why:
            outcome.skipped[record.seq] = why
        elif record.node in REPLAYED_NODES:
            expected.append(record)
    count = max(len(expected), len(replayed)) if complete else len(replayed)
    for position in range(count):
        if position >= len(expected) or position >= len(replayed):
            missing = expected[position] if position < len(expected) else None
            extra = replayed[position] if position < len(replayed) else None
            outcome.difference = Difference(
                missing.seq if missing else (expected[-1].seq if expected else 0),
                "(record)",
                _label(missing),
                _label(extra),
            )
            return outcome
        mine, theirs = expected[position], replayed[position]
        outcome.seqs[theirs.seq] = mine.seq
        outcome.hashes[theirs.hash] = mine.hash
        document = _aligned(theirs, outcome, narrated, mine)
        difference = _first_difference(_comparable(mine.document()), document, "")
        if difference is not None:
            path, old, new = difference
            outcome.difference = Difference(mine.seq, path, old, new)
            return outcome
        outcome.compared.append(mine.seq)
    return outcome


def _not_replayed(record: EvidenceRecord) -> str:
    """Why a recorded record has no counterpart in a replay ("" when it has one)."""
    if record.kind == "llm_call":
        return "a language model's answer (not a computation)"
    if record.node == "reason" and record.kind != "planner_decision":
        return "the LLM planner's tool use (its plan is reused)"
    if record.node == "propose" and record.kind == "error":
        return "the narrator's failure (the templated rationale was used)"
    if record.kind == "approval":
        return "a decision (the proposal it decides on is compared)"
    if record.node == "execute":
        return "" if record.kind == "check" else "the orders written (not a computation)"
    if record.node not in REPLAYED_NODES:
        return f"node {record.node} is not a computation of the review"
    return ""


def _aligned(
    replayed: EvidenceRecord, outcome: _Comparison, narrated: bool, recorded: EvidenceRecord
) -> Any:
    """The replayed record in the recorded record's terms: seqs and hashes by position."""
    document = _comparable(_substitute(replayed.document(), outcome.hashes))
    outputs = document.get("outputs")
    if replayed.kind == "proposal" and isinstance(outputs, dict):
        for check in outputs.get("checks", []):
            check["evidence_seq"] = outcome.seqs.get(check.get("evidence_seq"), None)
        if narrated and isinstance(recorded.outputs, dict):
            outputs["rationale"] = recorded.outputs.get("rationale")
    return document


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The fields a replay must reproduce."""
    return {
        key: document[key] for key in ("node", "kind", "policy_version", "inputs_digest", "outputs")
    }


def _substitute(value: Any, hashes: dict[str, str]) -> Any:
    if isinstance(value, str):
        return hashes.get(value, value)
    if isinstance(value, list):
        return [_substitute(item, hashes) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, hashes) for key, item in value.items()}
    return value


def _first_difference(recorded: Any, replayed: Any, path: str) -> tuple[str, Any, Any] | None:
    """Depth-first, in key order: the first path where the two JSON values differ."""
    if path in UNCOMPARED_PATHS:
        return None
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for key in sorted(set(recorded) | set(replayed)):
            inner = f"{path}.{key}" if path else key
            if key not in recorded or key not in replayed:
                return inner, recorded.get(key, "(absent)"), replayed.get(key, "(absent)")
            found = _first_difference(recorded[key], replayed[key], inner)
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(replayed, list):
        for index, (old, new) in enumerate(zip(recorded, replayed, strict=False)):
            found = _first_difference(old, new, f"{path}[{index}]")
            if found:
                return found
        if len(recorded) != len(replayed):
            return f"{path}.length", len(recorded), len(replayed)
        return None
    if type(recorded) is not type(replayed) or recorded != replayed:
        return path, recorded, replayed
    return None


def _compare_execution_checks(
    records: list[EvidenceRecord], scratch_data: Path, run: RunRecord, outcome: _Comparison
) -> _Comparison:
    """The execution re-check, when it ran on the run's own data (same snapshot hash).

    Execute re-checks the approved trades (minus those the approver dropped) at the latest
    close of the data it loaded; that data is the run's when its inputs digest, which names
    the snapshot hash, matches the replayed snapshot's.
    """
    result = _Comparison()
    checks = [r for r in records if r.node == "execute" and r.kind == "check"]
    proposals = [r for r in records if r.kind == "proposal"]
    if not checks or not proposals or outcome.difference is not None:
        return result
    snapshot = load_snapshot(scratch_data)
    proposal = Proposal.model_validate(proposals[-1].outputs)
    dropped = _dropped(records)
    kept = [t for number, t in enumerate(proposal.trades, 1) if number not in dropped]
    recheck = execution_recheck(snapshot, run.household_id, kept)
    if recheck.missing:
        unpriced = ", ".join(recheck.missing)
        for record in checks:
            result.skipped[record.seq] = f"no close for {unpriced} in the run's data"
        return result
    replayed = {inputs_digest(inputs): o.evidence() for inputs, o in recheck.checks}
    if any(record.inputs_digest not in replayed for record in checks):
        for record in checks:
            result.skipped[record.seq] = "the execution re-check ran on later data than the run"
        return result
    for record in checks:
        found = _first_difference(record.outputs, replayed[record.inputs_digest], "outputs")
        if found:
            path, old, new = found
            result.difference = Difference(record.seq, path, old, new)
            return result
        result.compared.append(record.seq)
    return result


def _dropped(records: list[EvidenceRecord]) -> set[int]:
    """Trade numbers (1-based) the approver dropped."""
    for record in reversed(records):
        if record.kind == "approval" and isinstance(record.outputs, dict):
            dropped = record.outputs.get("dropped_trades")
            if isinstance(dropped, list):
                return {int(number) for number in dropped}
    return set()


def _label(record: EvidenceRecord | None) -> str:
    return "(none)" if record is None else f"{record.node} {record.kind}"


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
