"""The Proposal document of ``docs/CONTRACTS.md`` section 3.

Field names and meanings are a public contract: outside checks read this JSON.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TradeReason = Literal["harvest", "replacement", "rebalance", "transition", "restriction", "cash"]


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LotRelief(_Contract):
    lot_id: str
    quantity: float


class ProposedTrade(_Contract):
    account_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: float
    est_price: float
    reason: TradeReason
    lots: list[LotRelief] = Field(default_factory=list)


class ProposalMetrics(_Contract):
    te_before: float
    te_after: float
    te_budget: float
    realized_short: float
    realized_long: float
    harvested_losses: float
    disallowed_loss: float
    est_tax_savings: float
    turnover: float


class CheckResult(_Contract):
    name: str
    passed: bool
    detail: str
    evidence_seq: int | None = None


class EvidenceRef(_Contract):
    run_id: str
    head_hash: str | None


class Proposal(_Contract):
    run_id: str
    household_id: str
    as_of: str
    policy_version: str
    status: Literal["no_action", "pending_approval", "approved", "rejected", "executed"]
    impact: Literal["low", "high"]
    impact_reasons: list[str]
    trades: list[ProposedTrade]
    metrics: ProposalMetrics
    checks: list[CheckResult]
    evidence: EvidenceRef
    rationale: str = ""  # optional key: the plain-language explanation for the advisor
    status_reason: str = ""  # optional key: why the status is what it is (e.g. rejected)
    alerts: dict[str, str] = Field(default_factory=dict)  # optional key: account -> TE status
