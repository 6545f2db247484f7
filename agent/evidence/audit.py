"""Everything compliance can check in a state folder: chains, completeness and witnesses.

``verify_run`` / ``verify_all`` recompute the hash chains; this adds what the chains cannot
show on their own (``agent.evidence.completeness``, ``agent.evidence.witness``) and treats a
deleted log beside a run store that lists runs as what it is: evidence missing, not "no
evidence yet".
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from agent.evidence.completeness import Gap, cross_check
from agent.evidence.store import evidence_path
from agent.evidence.verify import VerificationResult, read_only_store, verify_all, verify_run
from agent.evidence.witness import read_witness
from agent.evidence.witness import witness_gaps as _witness_gaps
from agent.review.runs import RunStore
from agent.review.services import RUNS_FILE
from tools.errors import DataValidationError


def audit(
    state_dir: Path,
    run_id: str | None = None,
    *,
    anchor: str | None = None,
    witness: Path | None = None,
) -> VerificationResult:
    """Verify one run (or every run, ``run_id=None``) of ``state_dir`` and cross-check it.

    Raises ``DataValidationError`` (bad input) when there is neither an evidence log nor a
    run store listing runs, or the run is unknown to both.
    """
    path = evidence_path(state_dir)
    runs_file = state_dir / RUNS_FILE
    if not path.is_file():
        return _log_missing(path, runs_file, run_id, witness)
    try:
        result = verify_all(path) if run_id is None else verify_run(path, run_id, anchor)
    except DataValidationError:
        if run_id is None or not _listed(runs_file, run_id):
            raise
        result = VerificationResult(run_id, 0, 1, None, {}, guards_intact=True)
    with read_only_store(path) as conn:
        gaps = cross_check(conn, state_dir, runs_file, run_id)
        if witness is not None:
            gaps += _witness_gaps(conn, witness)
    return dataclasses.replace(result, missing=[gap.describe() for gap in gaps])


def _log_missing(
    path: Path, runs_file: Path, run_id: str | None, witness: Path | None
) -> VerificationResult:
    runs = _listed_runs(runs_file)
    witnessed = read_witness(witness) if witness is not None else []
    if run_id is not None:
        runs = [run for run in runs if run == run_id]
    if not runs and not any(tip.records for _, tip in witnessed):
        raise DataValidationError.single(
            str(path), None, None, "no evidence store (no review has run here yet)"
        )
    gaps = [
        Gap(None, f"the evidence log {path.name} is missing; the run store lists {len(runs)} runs")
    ] + [
        Gap(None, f"the evidence log is missing; the witness of {when} saw {tip.records} records")
        for when, tip in witnessed
        if tip.records
    ]
    return VerificationResult(
        scope=run_id or "all",
        records=0,
        runs=0,
        head=None,
        heads={},
        guards_intact=False,
        missing=[gap.describe() for gap in gaps],
    )


def _listed_runs(runs_file: Path) -> list[str]:
    if not runs_file.is_file():
        return []
    return [run.run_id for run in RunStore(runs_file, read_only=True).list()]


def _listed(runs_file: Path, run_id: str) -> bool:
    return run_id in _listed_runs(runs_file)
