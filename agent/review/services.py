"""The stores a review reads and writes, opened once per state directory.

Nodes get everything through here so that a resumed process (a new ``ReviewServices``) finds
the same runs, evidence and data as the one that started the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from agent.evidence import evidence_path, inputs_digest
from agent.evidence.records import EvidenceKind, EvidenceRecord
from agent.evidence.store import EvidenceStore
from agent.review.context import ReviewContext
from agent.review.runs import RunStore
from agent.review.snapshot import Snapshot, load_snapshot
from policies import Policy
from tools.household_policy import household_policy

RUNS_FILE = "runs.sqlite"


@dataclass(frozen=True)
class ReviewServices:
    data_dir: Path
    state_dir: Path
    runs: RunStore
    evidence: EvidenceStore

    def snapshot(self, as_of: str | None = None) -> Snapshot:
        return load_snapshot(self.data_dir, as_of)

    def policy_for(self, household_id: str, as_of: str | None = None) -> Policy:
        return household_policy(self.snapshot(as_of).data, household_id)

    def record_once(
        self,
        run_id: str,
        node: str,
        kind: EvidenceKind,
        inputs: Any,
        outputs: Any,
        *,
        policy_version: str | None = None,
    ) -> EvidenceRecord:
        """Append unless this node already recorded the same inputs (a resumed node)."""
        wanted = inputs_digest(inputs)
        for record in self.evidence.find(run_id, kind=kind, node=node):
            if record.inputs_digest == wanted:
                return record
        return self.evidence.append(
            run_id, node, kind, inputs, outputs, policy_version=policy_version
        )


@cache
def _services(data_dir: Path, state_dir: Path) -> ReviewServices:
    runs = RunStore(state_dir / RUNS_FILE)
    return ReviewServices(
        data_dir=data_dir,
        state_dir=state_dir,
        runs=runs,
        evidence=EvidenceStore(evidence_path(state_dir), on_append=runs.note_evidence),
    )


def review_services(context: ReviewContext) -> ReviewServices:
    return _services(context.data_dir.resolve(), context.state_dir.resolve())
