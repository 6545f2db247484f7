"""Tracking-error alerts: classify against the budget, remember them, report what changed.

The store keeps the latest alert of every account in one JSON file (by default
``DIR/.lotwise/alerts.json``), rewritten atomically, so each run compares itself with the
previous one: a new warning, an escalation to breach, an easing back to warn, a resolution.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from tools.errors import DataValidationError
from tools.risk.atomic import write_atomically

AlertStatus = Literal["ok", "warn", "breach"]
ChangeKind = Literal["new", "escalated", "eased", "resolved"]
ContributorKind = Literal["security", "sector", "factor"]

ALERTS_FILE = "alerts.json"
STORE_FORMAT = "lotwise-alerts/1"
_SEVERITY: dict[str, int] = {"ok": 0, "warn": 1, "breach": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contributor(_Frozen):
    kind: ContributorKind
    name: str  # symbol, sector or factor name
    contribution: float  # share of the tracking error (fraction), see ``tracking.Attribution``


class Alert(_Frozen):
    account_id: str
    date: dt.date
    te: float  # annualized ex-ante tracking error (fraction)
    budget: float
    status: AlertStatus
    top_contributors: tuple[Contributor, ...] = ()


class AlertChange(_Frozen):
    account_id: str
    kind: ChangeKind
    previous: AlertStatus | None  # None when the account had no stored alert
    current: AlertStatus
    previous_date: dt.date | None
    date: dt.date
    te: float
    budget: float


def classify(te: float, budget: float, warn_fraction: float = 0.8) -> AlertStatus:
    """``breach`` above the budget, ``warn`` above ``warn_fraction`` of it, else ``ok``.

    Both thresholds are strict: a tracking error exactly at the budget is a warning, and one
    exactly at the warning level is ok (the policy reads "warn *above* this fraction").
    """
    if not math.isfinite(te) or te < 0:
        raise ValueError(f"tracking error must be a non-negative number, got {te}")
    if not math.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be positive, got {budget}")
    if not 0 < warn_fraction <= 1:
        raise ValueError(f"warn_fraction must be in (0, 1], got {warn_fraction}")
    if te > budget:
        return "breach"
    if te > warn_fraction * budget:
        return "warn"
    return "ok"


def change_between(previous: Alert | None, current: Alert) -> AlertChange | None:
    """What changed from ``previous`` to ``current`` (None when the status is the same).

    An account seen for the first time counts as having been ``ok`` before.
    """
    before: AlertStatus = previous.status if previous is not None else "ok"
    if before == current.status:
        return None
    kind: ChangeKind
    if before == "ok":
        kind = "new"
    elif current.status == "ok":
        kind = "resolved"
    elif _SEVERITY[current.status] > _SEVERITY[before]:
        kind = "escalated"
    else:
        kind = "eased"
    return AlertChange(
        account_id=current.account_id,
        kind=kind,
        previous=previous.status if previous is not None else None,
        current=current.status,
        previous_date=previous.date if previous is not None else None,
        date=current.date,
        te=current.te,
        budget=current.budget,
    )


class AlertStore:
    """The latest alert per account, in one JSON file written atomically."""

    def __init__(self, path: Path, display_name: str | None = None) -> None:
        self.path = path
        # how errors name the file: relative to the data directory, never a machine path
        self.display_name = display_name or path.name

    @classmethod
    def in_state_dir(cls, state_dir: Path, display_dir: str = ".lotwise") -> AlertStore:
        return cls(state_dir / ALERTS_FILE, f"{display_dir}/{ALERTS_FILE}")

    def load(self) -> dict[str, Alert]:
        """Stored alerts by account id (empty when nothing was stored yet)."""
        if not self.path.exists():
            return {}
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DataValidationError.single(
                self.display_name, None, None, f"cannot read the alert store: {error}"
            ) from error
        if not isinstance(document, dict) or document.get("format") != STORE_FORMAT:
            raise DataValidationError.single(
                self.display_name, None, "format", f"expected an object with format {STORE_FORMAT}"
            )
        accounts = document.get("accounts")
        if not isinstance(accounts, dict):
            raise DataValidationError.single(
                self.display_name, None, "accounts", "expected an object of alerts by account"
            )
        alerts: dict[str, Alert] = {}
        for account_id, raw in accounts.items():
            try:
                alerts[account_id] = Alert.model_validate(raw)
            except ValidationError as error:
                raise DataValidationError.single(
                    self.display_name, None, f"accounts.{account_id}", str(error)
                ) from error
        return alerts

    def changes_since_last(self, alerts: Iterable[Alert]) -> list[AlertChange]:
        """Changes of ``alerts`` against the stored ones, without storing anything."""
        stored = self.load()
        changes = (change_between(stored.get(a.account_id), a) for a in alerts)
        return [change for change in changes if change is not None]

    def record(self, alerts: Iterable[Alert]) -> list[AlertChange]:
        """Store ``alerts`` (other accounts' alerts are kept) and return what changed."""
        current = list(alerts)
        stored = self.load()
        changes = [change_between(stored.get(a.account_id), a) for a in current]
        stored.update({a.account_id: a for a in current})
        document = {
            "format": STORE_FORMAT,
            "accounts": {
                account_id: alert.model_dump(mode="json")
                for account_id, alert in sorted(stored.items())
            },
        }
        write_atomically(self.path, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
        return [change for change in changes if change is not None]
