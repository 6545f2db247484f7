"""Impact classification: which proposals a person must approve (the policy's approval rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from policies import Policy


@dataclass(frozen=True)
class ImpactInputs:
    realized_short: float  # net short-term gain realized by the trades (negative = loss)
    realized_long: float
    turnover: float  # one-way, fraction of household value
    te_after: float
    te_budget: float
    concentrated_symbols_traded: tuple[str, ...]
    first_run: bool
    planner_flags: tuple[str, ...]
    trade_count: int


def classify_impact(
    inputs: ImpactInputs, policy: Policy
) -> tuple[Literal["low", "high"], list[str]]:
    """Return ``("high", reasons)`` when any approval rule fires, else ``("low", [])``."""
    rules = policy.approval
    reasons: list[str] = []
    net_gain = inputs.realized_short + inputs.realized_long
    if net_gain > rules.high_impact_net_gain_usd:
        reasons.append(
            f"realized net gain ${net_gain:,.2f} above ${rules.high_impact_net_gain_usd:,.2f}"
        )
    if inputs.realized_short > rules.high_impact_short_gain_usd:
        reasons.append(
            f"short-term gain ${inputs.realized_short:,.2f} above "
            f"${rules.high_impact_short_gain_usd:,.2f}"
        )
    if inputs.turnover > rules.high_impact_turnover:
        reasons.append(f"turnover {inputs.turnover:.1%} above {rules.high_impact_turnover:.1%}")
    warn_level = policy.tracking_error.warn_fraction * inputs.te_budget
    if rules.high_impact_te_after_warn and inputs.trade_count and inputs.te_after > warn_level:
        reasons.append(f"TE after {inputs.te_after:.2%} above the warn level {warn_level:.2%}")
    if rules.high_impact_concentrated_trades and inputs.concentrated_symbols_traded:
        reasons.append(
            "trades in a concentrated position: " + ", ".join(inputs.concentrated_symbols_traded)
        )
    if rules.high_impact_first_run and inputs.first_run and inputs.trade_count:
        reasons.append("first run for this household")
    if rules.high_impact_planner_flags:
        reasons.extend(f"planner flag: {flag}" for flag in _unique(inputs.planner_flags))
    return ("high" if reasons else "low"), reasons


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
