"""What evaluate hands to propose: the checked trade list, what was removed and why.

Stored in the run store (``RunStore.save_evaluation``), never in a checkpoint: the trade list
of a large account does not belong in graph state.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agent.review.proposal import CheckResult, ProposalMetrics, ProposedTrade


class _Stored(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RemovedTrade(_Stored):
    trade: ProposedTrade
    check: str  # the check it failed
    why: str


class AccountTracking(_Stored):
    te_before: float
    te_after: float
    te_budget: float


class Evaluation(_Stored):
    trades: list[ProposedTrade]  # the final list, every trade-level check passed
    removed: list[RemovedTrade] = Field(default_factory=list)
    checks: list[CheckResult]
    metrics: ProposalMetrics
    accounts: dict[str, AccountTracking]  # every managed account of the household
    flags: list[str] = Field(default_factory=list)  # optimizer failures a person should see
    concentrated_traded: list[str] = Field(default_factory=list)
    costs: float = 0.0  # estimated spread and commissions of the final list

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)
