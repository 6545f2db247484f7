"""The automated daily run: review every household, never letting one failure stop the rest."""

from __future__ import annotations

import json
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.identity import SYSTEM_IDENTITY
from agent.review.runner import ReviewRunner
from tools.risk.atomic import write_atomically

DAILY_DIR = "daily"


@dataclass
class DailySummary:
    as_of: str
    households: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    harvested_losses: float = 0.0
    est_tax_savings: float = 0.0
    alerts: dict[str, str] = field(default_factory=dict)  # account_id -> warn/breach
    failures: dict[str, str] = field(default_factory=dict)  # household_id -> error
    runs: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "households_reviewed": self.households,
            "proposals_by_status": dict(sorted(self.by_status.items())),
            "harvested_losses": round(self.harvested_losses, 2),
            "est_tax_savings": round(self.est_tax_savings, 2),
            "alerts": dict(sorted(self.alerts.items())),
            "failures": dict(sorted(self.failures.items())),
            "runs": self.runs,
        }


def run_daily(
    runner: ReviewRunner,
    as_of: str | None = None,
    on_household: Callable[[str], None] | None = None,
) -> DailySummary:
    """Review every household of the data directory on ``as_of``.

    Low-impact proposals are auto-approved and executed by the graph when the policy allows;
    high-impact ones wait. Re-running the same day returns the existing runs.
    """
    snapshot = runner.services.snapshot(as_of)
    as_of_text = snapshot.as_of.isoformat()
    summary = DailySummary(as_of=as_of_text)
    for household_id in snapshot.data.households:
        try:
            run = runner.review(household_id, as_of_text, requested_by=SYSTEM_IDENTITY)
        except Exception as error:  # one household's failure must not stop the others
            summary.failures[household_id] = _describe(error)
        else:
            summary.households += 1
            summary.runs.append(run.run_id)
            summary.by_status[run.status] += 1
            proposal = run.proposal or {}
            summary.alerts.update(
                {
                    account: status
                    for account, status in proposal.get("alerts", {}).items()
                    if status != "ok"
                }
            )
            if proposal and run.status != "rejected":  # rejected trades realize nothing
                summary.harvested_losses += proposal["metrics"]["harvested_losses"]
                summary.est_tax_savings += proposal["metrics"]["est_tax_savings"]
        if on_household is not None:
            on_household(household_id)
    return summary


def write_summary(state_dir: Path, summary: DailySummary) -> Path:
    """``daily/<as_of>.json`` under the state directory, written atomically."""
    path = state_dir / DAILY_DIR / f"{summary.as_of}.json"
    write_atomically(path, (json.dumps(summary.document(), indent=2) + "\n").encode("utf-8"))
    return path


def _describe(error: Exception) -> str:
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" ({last[0].name})" if last else ""
    return f"{type(error).__name__}: {error}{where}"
