"""What a generated household contributes to the data directory besides its transactions:
account rows, restrictions, pending purchases and policy overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AccountSpec:
    account_id: str
    household_id: str
    owner: str
    tax_type: str  # taxable, traditional_ira, roth_ira, 401k, hsa
    managed: bool
    relief_method: str  # fifo or hifo
    te_budget: float | None = None


@dataclass(frozen=True)
class RestrictionSpec:
    scope: str  # household or account
    scope_id: str
    kind: str  # exclude, no_buy, no_sell
    target_type: str  # symbol, sector, industry, esg_below
    target: str
    reason: str


@dataclass(frozen=True)
class PendingSpec:
    ordinal: int  # proleptic ordinal of the scheduled date (after as-of)
    account_id: str
    action: str  # buy or reinvest
    security: int
    units: int  # 1/10,000 shares


@dataclass(frozen=True)
class HouseholdRecords:
    household_id: str
    restrictions: tuple[RestrictionSpec, ...]
    pending: tuple[PendingSpec, ...]
    policy: dict[str, Any]  # overrides under ``households: {household_id: ...}``
