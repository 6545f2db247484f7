"""Typed domain models shared by every tool (the contract of ``docs/CONTRACTS.md`` section 1).

Models are frozen pydantic classes: they are the validated boundary between files and logic.
``row`` fields keep the 1-based data row of the source file so later errors can point back.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

TaxType = Literal["taxable", "traditional_ira", "roth_ira", "401k", "hsa"]
TAX_TYPES: tuple[str, ...] = ("taxable", "traditional_ira", "roth_ira", "401k", "hsa")
# Rev. Rul. 2008-5: a replacement bought in any of these accounts disallows the loss for good.
IRA_TYPES: frozenset[str] = frozenset({"traditional_ira", "roth_ira", "401k", "hsa"})

ReliefMethod = Literal["fifo", "hifo", "min_tax", "specific"]
RELIEF_METHODS: tuple[str, ...] = ("fifo", "hifo", "min_tax", "specific")

Action = Literal[
    "buy", "reinvest", "sell", "split", "transfer_in", "deposit", "withdraw", "dividend"
]
ACTIONS: tuple[str, ...] = (
    "buy",
    "reinvest",
    "sell",
    "split",
    "transfer_in",
    "deposit",
    "withdraw",
    "dividend",
)
# IRC §1091(a): an "acquisition" is a purchase (dividend reinvestment included); a transfer_in
# moves an existing lot and is not one.
ACQUISITION_ACTIONS: frozenset[str] = frozenset({"buy", "reinvest"})
CASH_ACTIONS: frozenset[str] = frozenset({"deposit", "withdraw", "dividend"})

RestrictionScope = Literal["household", "account"]
RestrictionKind = Literal["exclude", "no_buy", "no_sell"]
RestrictionTarget = Literal["symbol", "sector", "industry", "esg_below"]
PendingAction = Literal["buy", "reinvest"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Security(_Frozen):
    symbol: str
    name: str
    sector: str
    industry: str
    esg_score: float | None = None
    identical_group: str | None = None

    @property
    def wash_key(self) -> str:
        """Key under which the wash-sale rule compares securities ("substantially identical")."""
        return f"group:{self.identical_group}" if self.identical_group else f"symbol:{self.symbol}"


class Account(_Frozen):
    account_id: str
    household_id: str
    owner: str
    tax_type: TaxType
    managed: bool
    relief_method: ReliefMethod = "fifo"
    te_budget: float | None = None
    benchmark: str | None = None

    @property
    def is_ira_type(self) -> bool:
        return self.tax_type in IRA_TYPES


class Household(_Frozen):
    household_id: str
    account_ids: tuple[str, ...]


class Transaction(_Frozen):
    row: int
    date: dt.date
    account_id: str
    action: Action
    symbol: str | None = None
    quantity: float
    price: float | None = None
    fees: float = 0.0
    lot_id: str | None = None
    acquired_date: dt.date | None = None
    cost_basis: float | None = None


class Restriction(_Frozen):
    row: int
    scope: RestrictionScope
    scope_id: str
    kind: RestrictionKind
    target_type: RestrictionTarget
    target: str
    reason: str = ""

    def applies_to_account(self, account: Account) -> bool:
        if self.scope == "household":
            return self.scope_id == account.household_id
        return self.scope_id == account.account_id

    def matches(self, security: Security) -> bool:
        if self.target_type == "symbol":
            return security.symbol == self.target
        if self.target_type == "sector":
            return security.sector == self.target
        if self.target_type == "industry":
            return security.industry == self.target
        threshold = float(self.target)
        return security.esg_score is not None and security.esg_score < threshold


class PendingPurchase(_Frozen):
    row: int
    date: dt.date
    account_id: str
    action: PendingAction
    symbol: str
    quantity: float


class Lot(_Frozen):
    """An open tax lot (or part of one)."""

    account_id: str
    symbol: str
    lot_id: str
    quantity: float
    purchase_date: dt.date
    acquired_date: dt.date  # holding-period start after wash-sale tacking (IRC §1223(3))
    cost_basis: float  # total, including wash_sale_adjustment
    wash_sale_adjustment: float = 0.0
