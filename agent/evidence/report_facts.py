"""What the compliance report shows, read from a run's evidence records (and nothing else).

The report states only what the hash-chained records say: the proposal, each check with its
figures, the approval records, the execution; the data directory is used for security names
and sectors and for the wash-sale calendar, from the files as the run read them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agent.evidence.recorded_inputs import recorded_inputs, restore_inputs
from agent.evidence.records import EvidenceRecord
from agent.evidence.store import EvidenceStore, unknown_run
from agent.evidence.verify import VerificationResult, verify_run
from agent.evidence.wash_calendar import WashCalendar, wash_calendar
from agent.review.proposal import Proposal
from agent.review.runs import proposal_digest
from agent.review.snapshot import load_snapshot
from tools.errors import DataValidationError
from tools.loading.securities import load_securities
from tools.models import Security

SECURITIES_FILE = "securities.csv"


@dataclass(frozen=True)
class RunFacts:
    run_id: str
    records: list[EvidenceRecord]
    verification: VerificationResult
    securities: dict[str, Security]
    calendar: WashCalendar | None
    calendar_note: str  # why the calendar is missing ("" when it is there)

    @property
    def proposal_record(self) -> EvidenceRecord | None:
        found = [r for r in self.records if r.kind == "proposal"]
        return found[-1] if found else None

    @property
    def proposal(self) -> dict[str, Any]:
        record = self.proposal_record
        return record.outputs if record is not None and isinstance(record.outputs, dict) else {}

    @property
    def proposal_hash(self) -> str | None:
        """The hash an approver saw (``RunStore.save_proposal`` takes it over this proposal).

        Canonical JSON writes a float with an integral value as an integer (``3.0`` as
        ``3``), so the recorded proposal is read back through its model to restore the
        types it was hashed with.
        """
        try:
            proposal = Proposal.model_validate(self.proposal)
        except ValidationError:  # no proposal, or not one of this code's proposals
            return None
        return proposal_digest(proposal.model_dump())

    @property
    def requested_by(self) -> str:
        """Who requested the run and how they signed in (``ana (token)``)."""
        snapshot = next((r for r in self.records if r.kind == "input_snapshot"), None)
        outputs = snapshot.outputs if snapshot is not None else None
        if not isinstance(outputs, dict):
            return "not recorded"
        return signed_in(outputs.get("requested_by"), outputs.get("requester"))

    def of_kind(self, kind: str) -> list[EvidenceRecord]:
        return [r for r in self.records if r.kind == kind]

    @property
    def dropped_trades(self) -> set[int]:
        for record in reversed(self.of_kind("approval")):
            dropped = (
                record.outputs.get("dropped_trades") if isinstance(record.outputs, dict) else None
            )
            if isinstance(dropped, list):
                return {int(number) for number in dropped}
        return set()

    @property
    def final_status(self) -> str:
        """What the run's last decisive record says: executed, the decision, or the proposal's."""
        for record in reversed(self.records):
            outputs = record.outputs if isinstance(record.outputs, dict) else {}
            if record.kind == "execution":
                return "executed" if outputs.get("executed") else "rejected"
            if record.kind == "approval" and "status" in outputs:
                return str(outputs["status"])
        return str(self.proposal.get("status", "no proposal"))

    def accounts_te(self) -> dict[str, tuple[float, float, float]]:
        """TE before, after and budget per account, from the last evaluate TE check."""
        for record in reversed(self.records):
            if record.node != "evaluate" or record.kind != "check":
                continue
            numbers = record.outputs.get("numbers") if isinstance(record.outputs, dict) else None
            if (
                isinstance(numbers, dict)
                and numbers
                and all(isinstance(v, dict) and "te_before" in v for v in numbers.values())
            ):
                return {
                    account: (v["te_before"], v["te_after"], v["te_budget"])
                    for account, v in numbers.items()
                }
        metrics = self.proposal.get("metrics", {})
        if metrics:
            return {"household": (metrics["te_before"], metrics["te_after"], metrics["te_budget"])}
        return {}

    def harvested_losses_by_sector(self) -> dict[str, float]:
        """Losses of the proposal's harvest sales (not dropped), by sector.

        Each sold lot's loss is the optimizer's candidate loss, scaled to the shares sold.
        """
        candidates: dict[tuple[str, str], dict[str, Any]] = {}
        for record in self.records:
            if record.node == "evaluate" and record.kind == "tool_call":
                details = record.outputs.get("details", {})
                for candidate in details.get("harvest_candidates", []):
                    candidates[(candidate["symbol"], candidate["lot_id"])] = candidate
        losses: dict[str, float] = {}
        dropped = self.dropped_trades
        for number, trade in enumerate(self.proposal.get("trades", []), 1):
            if trade["side"] != "sell" or number in dropped:
                continue
            for lot in trade.get("lots", []):
                candidate = candidates.get((trade["symbol"], lot["lot_id"]))
                if candidate is None or not candidate.get("quantity"):
                    continue
                share = min(lot["quantity"] / candidate["quantity"], 1.0)
                sector = self.sector_of(trade["symbol"])
                losses[sector] = losses.get(sector, 0.0) + candidate["loss"] * share
        return losses

    def sector_of(self, symbol: str) -> str:
        security = self.securities.get(symbol)
        return security.sector if security is not None else "unknown"

    def name_of(self, symbol: str) -> str:
        security = self.securities.get(symbol)
        return security.name if security is not None else ""


def gather_facts(data_dir: Path, evidence_file: Path, run_id: str) -> RunFacts:
    """Read the run's records, verify its chain and load what the report needs of its data."""
    with EvidenceStore(evidence_file) as store:
        records = store.records(run_id)
    if not records:
        raise unknown_run(evidence_file, run_id)
    proposal = next((r for r in reversed(records) if r.kind == "proposal"), None)
    anchor = None
    if proposal is not None and isinstance(proposal.outputs, dict):
        anchor = (proposal.outputs.get("evidence") or {}).get("head_hash")
    verification = verify_run(evidence_file, run_id, anchor=anchor)
    facts = {"run_id": run_id, "records": records, "verification": verification}
    try:
        securities, calendar = _from_recorded_data(data_dir, records, run_id, proposal)
        return RunFacts(**facts, securities=securities, calendar=calendar, calendar_note="")
    except DataValidationError as error:
        note = "the data files changed since the run: " + "; ".join(
            str(problem) for problem in error.problems
        )
    current = data_dir / SECURITIES_FILE
    securities = load_securities(current) if current.is_file() else {}
    return RunFacts(**facts, securities=securities, calendar=None, calendar_note=note)


def _from_recorded_data(
    data_dir: Path,
    records: list[EvidenceRecord],
    run_id: str,
    proposal: EvidenceRecord | None,
) -> tuple[dict[str, Security], WashCalendar | None]:
    inputs = recorded_inputs(records)
    outputs = proposal.outputs if proposal is not None else None
    if not isinstance(outputs, dict):
        raise DataValidationError.single(
            "evidence", None, "proposal", f"run {run_id} recorded no proposal"
        )
    with tempfile.TemporaryDirectory(prefix="lotwise-report-") as scratch:
        restore_inputs(data_dir, inputs.files, Path(scratch))
        snapshot = load_snapshot(Path(scratch), outputs["as_of"])
        harvests = [
            t["symbol"]
            for t in outputs.get("trades", [])
            if t["side"] == "sell" and t["reason"] == "harvest"
        ]
        household_id = outputs["household_id"]
        calendar = wash_calendar(
            snapshot.data,
            snapshot.ledger(household_id),
            household_id,
            harvests,
            _wash_skipped(records),
        )
        return dict(snapshot.data.securities), calendar


def _wash_skipped(records: list[EvidenceRecord]) -> list[str]:
    """Symbols whose harvest the optimizer skipped for a wash-sale window (IRC §1091(a))."""
    return sorted(
        {
            skipped["symbol"]
            for record in records
            if record.node == "evaluate" and record.kind == "tool_call"
            for skipped in record.outputs.get("details", {}).get("skipped", [])
            if skipped.get("reason") == "wash_sale_window"
        }
    )


def signed_in(name: object, identity: object) -> str:
    """``name`` with how the person signed in (``ben (token)``), from an evidence record's
    ``identity`` (``agent.identity.Identity.evidence``); records made before identities carry
    the name only."""
    if not name:
        return "not recorded"
    method = identity.get("method") if isinstance(identity, dict) else None
    return f"{name} ({method})" if method else str(name)
