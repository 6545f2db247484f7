"""Is every recorded fact of the run store backed by its evidence record?

The hash chains show records altered or removed in the middle; they cannot show records
removed from the end of a run, nor a whole run or the whole log deleted. The run store can:
every status change, decision and order it holds must have its record, and it keeps (like
every orders file) the chain lengths and heads the reviews last wrote. A rollback of both
databases together needs a witness kept elsewhere (``agent.evidence.witness``).

All reads are read-only; a missing run store, like an old one without chain heads, only
narrows what can be cross-checked.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.evidence.schema import TABLE
from agent.evidence.store import StoreTip
from agent.review.orders import ORDERS_DIR, TIP_KEY
from agent.review.runs import RunRecord, RunStore

# The record a run's status needs, beyond the proposal every decided run has.
_PROPOSED = {"pending_approval", "no_action", "approved", "rejected", "executed"}


@dataclass(frozen=True)
class Gap:
    """A fact of the run store (or an orders file) that the evidence log does not back."""

    run_id: str | None  # None for the store-wide chain
    problem: str

    def describe(self) -> str:
        return f"run {self.run_id}: {self.problem}" if self.run_id else self.problem


def tip_gap(conn: sqlite3.Connection, tip: StoreTip, source: str) -> str | None:
    """Why the log does not contain ``tip`` (``source`` says who kept it), or None."""
    if tip.records == 0:
        return None
    (count,) = conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
    row = conn.execute(f"SELECT global_hash FROM {TABLE} WHERE gseq = ?", (tip.records,)).fetchone()
    if row is None:
        return (
            f"{source} holds {tip.records} records but the log has {count}: "
            "records were removed from its end (or the log was replaced)"
        )
    if row[0] != tip.head:
        return (
            f"the log diverges from {source}: its record {tip.records} is not the one "
            "that was written (the log was rewritten or replaced)"
        )
    return None


def cross_check(
    conn: sqlite3.Connection, state_dir: Path, runs_file: Path, run_id: str | None = None
) -> list[Gap]:
    """Gaps between the evidence log (``conn``, read-only) and the run store and orders files
    under ``state_dir``; only ``run_id``'s when given (plus the store-wide tip)."""
    gaps: list[Gap] = []
    if runs_file.is_file():
        gaps += _run_store_gaps(conn, RunStore(runs_file, read_only=True), run_id)
    for orders_file in sorted((state_dir / ORDERS_DIR).glob("*.json")):
        if run_id is None or orders_file.stem == run_id:
            gaps += _orders_file_gaps(conn, orders_file)
    return gaps


def _run_store_gaps(conn: sqlite3.Connection, runs: RunStore, run_id: str | None) -> list[Gap]:
    gaps: list[Gap] = []
    tip = runs.evidence_tip()
    if tip is not None:
        problem = tip_gap(conn, tip, "the run store")
        if problem:
            gaps.append(Gap(None, problem))
    records = [r for r in runs.list() if run_id is None or r.run_id == run_id]
    heads = runs.evidence_heads()
    decisions = runs.decisions()
    orders = runs.all_orders()
    for run in records:
        gaps += [
            Gap(run.run_id, problem)
            for problem in _run_gaps(
                conn, run, heads.get(run.run_id), decisions.get(run.run_id), orders.get(run.run_id)
            )
        ]
    return gaps


def _run_gaps(
    conn: sqlite3.Connection,
    run: RunRecord,
    head: tuple[int, str] | None,
    decision: dict[str, Any] | None,
    orders: Sequence[dict[str, Any]] | None,
) -> Iterable[str]:
    """What the run store says happened to ``run`` that its records do not show."""
    kept = dict(conn.execute(f"SELECT seq, hash FROM {TABLE} WHERE run_id = ?", (run.run_id,)))
    if head is not None:
        count, head_hash = head
        if not kept:
            yield f"the run store lists it with {count} evidence records; the log has none"
            return
        if kept.get(count) is None:
            yield (
                f"the run store lists {count} evidence records; the log has {len(kept)} "
                "(records removed from the run's end)"
            )
        elif kept[count] != head_hash:
            yield f"its record {count} is not the one the review wrote (the run was rewritten)"
    elif not kept and run.status != "running":
        yield f"it is {run.status} in the run store but has no evidence records"
        return
    outputs = _outputs_by_kind(conn, run.run_id)
    if run.status in _PROPOSED and not outputs.get("proposal"):
        yield f"it is {run.status} but has no proposal record"
    if run.status == "failed" and not outputs.get("error"):
        yield "it failed but has no error record"
    if decision is not None:
        wanted = "approved" if decision["decision"] == "approve" else "rejected"
        if not any(
            o.get("status") == wanted and o.get("by") == decision["by"]
            for o in outputs.get("approval", [])
        ):
            yield f"the decision ({wanted} by {decision['by']}) has no approval record"
    executions = outputs.get("execution", [])
    executed = [o for o in executions if o.get("executed") is True]
    if run.status == "executed" and not executed:
        yield "it is executed but has no execution record"
    if orders:
        ids = [order["order_id"] for order in orders]
        if not any([o.get("order_id") for o in e.get("orders", [])] == ids for e in executed):
            yield f"its {len(ids)} orders have no execution record listing them"
    if (
        run.status == "rejected"
        and decision is not None
        and decision["decision"] == "approve"
        and not executions
    ):
        yield "it was approved, then rejected at execution, but has no execution record"


def _outputs_by_kind(conn: sqlite3.Connection, run_id: str) -> dict[str, list[dict[str, Any]]]:
    """The outputs of the run's proposal, approval, execution and error records, by kind."""
    found: dict[str, list[dict[str, Any]]] = {}
    for kind, outputs in conn.execute(
        f"SELECT json_extract(body, '$.kind'), json_extract(body, '$.outputs') FROM {TABLE} "
        "WHERE run_id = ? AND json_valid(body) AND json_extract(body, '$.kind') IN "
        "('proposal', 'approval', 'execution', 'error')",
        (run_id,),
    ):
        try:
            value = json.loads(outputs) if isinstance(outputs, str) else None
        except ValueError:
            value = None
        found.setdefault(kind, []).append(value if isinstance(value, dict) else {})
    return found


def _orders_file_gaps(conn: sqlite3.Connection, path: Path) -> list[Gap]:
    """An orders file names its run and the store-wide tip it was written at."""
    run_id = path.stem
    try:
        orders = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [Gap(run_id, f"orders file {path.name} is unreadable ({error})")]
    gaps: list[Gap] = []
    (executions,) = conn.execute(
        f"SELECT COUNT(*) FROM {TABLE} WHERE run_id = ? AND json_valid(body) "
        "AND json_extract(body, '$.kind') = 'execution' "
        "AND json_extract(body, '$.outputs.executed') = 1",
        (run_id,),
    ).fetchone()
    if not executions:
        gaps.append(Gap(run_id, f"orders file {path.name} has no execution record"))
    tips = {
        (o[TIP_KEY]["records"], o[TIP_KEY]["head"])
        for o in orders
        if isinstance(o, dict) and isinstance(o.get(TIP_KEY), dict)
    }
    for records, head in sorted(tips):
        problem = tip_gap(conn, StoreTip(records, head), f"orders file {path.name}")
        if problem:
            gaps.append(Gap(run_id, problem))
    return gaps
