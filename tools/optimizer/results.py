"""The optimizer's typed output: a trade list with its metrics, bindings and checks.

Field names of :class:`Trade` and :class:`TradeMetrics` that also appear in a proposal follow
``docs/CONTRACTS.md`` section 3; :meth:`Trade.contract_fields` and
:meth:`TradeMetrics.contract_fields` return exactly those keys. Amounts keep full precision:
rounding to cents happens where they are printed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TradeReason = Literal["harvest", "replacement", "rebalance", "transition", "restriction", "cash"]
TRADE_CONTRACT_KEYS = ("account_id", "symbol", "side", "quantity", "est_price", "reason", "lots")
METRIC_CONTRACT_KEYS = (
    "te_before",
    "te_after",
    "te_budget",
    "realized_short",
    "realized_long",
    "harvested_losses",
    "disallowed_loss",
    "est_tax_savings",
    "turnover",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LotRelief(_Model):
    lot_id: str
    quantity: float


class Trade(_Model):
    account_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: float  # shares
    est_price: float  # close used for the estimate
    reason: TradeReason
    lots: list[LotRelief] = Field(default_factory=list)  # lots relieved (sells only)
    value: float  # quantity x est_price
    realized_gain: float = 0.0  # sells: gain (negative: loss) after any charged disallowance
    disallowed_loss: float = 0.0  # sells: loss disallowed by a charged wash sale
    # Harvest sells: the buys that replace their exposure; replacement buys: what they replace.
    replaced_by: list[str] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)

    def contract_fields(self) -> dict[str, object]:
        """The trade as a proposal lists it (docs/CONTRACTS.md §3)."""
        document = self.model_dump(include=set(TRADE_CONTRACT_KEYS))
        return {key: document[key] for key in TRADE_CONTRACT_KEYS}


class TradeMetrics(_Model):
    te_before: float
    te_after: float
    te_budget: float
    realized_short: float  # net short-term gain realized (negative: loss)
    realized_long: float  # net long-term gain realized
    harvested_losses: float  # realized losses, positive
    disallowed_loss: float  # charged wash-sale disallowance, 0 unless allowed by policy
    est_tax_savings: float  # tax value this year (negative: tax owed)
    turnover: float  # one-way, fraction of account value
    spread_cost: float
    commission: float
    cash_before: float
    cash_after: float
    account_value: float

    def contract_fields(self) -> dict[str, float]:
        document = self.model_dump()
        return {key: document[key] for key in METRIC_CONTRACT_KEYS}


class BindingReport(_Model):
    name: str
    dual: float
    slack: float
    detail: str


class CheckReport(_Model):
    name: str
    passed: bool
    detail: str


class SkippedHarvest(_Model):
    lot_id: str
    symbol: str
    loss: float
    reason: Literal["restriction", "wash_sale_window", "below_threshold"]
    detail: str


class HarvestCandidateReport(_Model):
    lot_id: str
    symbol: str
    quantity: float
    term: Literal["short", "long"]
    loss: float
    tax_value: float
    harvested: bool  # sold in this trade list


class SolveTimings(_Model):
    solver: str
    solves: int  # continuous solves, including repairs and fallbacks
    reused_problem: bool  # the compiled problem came from the cache
    dpp: bool  # compiled for re-solves (with a cache) rather than solved once
    build_seconds: float  # building the cvxpy problem
    compile_seconds: float  # cvxpy canonicalization over all solves
    solver_seconds: float  # the solver's own time over all solves
    total_seconds: float  # the whole optimize() call


class TradeList(_Model):
    account_id: str
    as_of: dt.date
    status: Literal["trades", "no_action"]
    trades: list[Trade]
    metrics: TradeMetrics
    binding: list[BindingReport]
    checks: list[CheckReport]
    candidates: list[HarvestCandidateReport]
    skipped: list[SkippedHarvest]
    timings: SolveTimings
    notes: list[str] = Field(default_factory=list)

    @property
    def sells(self) -> list[Trade]:
        return [t for t in self.trades if t.side == "sell"]

    @property
    def buys(self) -> list[Trade]:
        return [t for t in self.trades if t.side == "buy"]
