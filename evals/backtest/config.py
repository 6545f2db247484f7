"""Settings of one backtest: money, frequency, flows and the tax terms of the comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.backtest.taxes import Carryforward, LossUsage

# Chaudhuri, Burnham and Lo (FAJ 2020) use 35% short-term and 15% long-term rates, with
# offsetting gains elsewhere ("unlimited" loss usage): the default, so figures compare.
PAPER_SHORT_RATE = 0.35
PAPER_LONG_RATE = 0.15


@dataclass(frozen=True)
class BacktestConfig:
    initial_value: float = 1_000_000.0
    decision_every_days: int = 5  # trading days between two lotwise reviews
    monthly_flow_usd: float = 0.0  # + contribution / - withdrawal, each month's first day
    loss_usage: LossUsage = "unlimited"
    short_rate: float = PAPER_SHORT_RATE
    long_rate: float = PAPER_LONG_RATE
    te_budget: float = 0.01
    yearly_net_gain_usd: float = 0.0  # lotwise's gains budget: harvest, never realize net gains
    spread_bps: float = 5.0

    def policy_overrides(self, carried: Carryforward | None = None) -> dict[str, Any]:
        """Overrides of the default policy that state these terms (one rate per term)."""
        carried = carried or Carryforward()
        return {
            "tax": {
                "federal_short": self.short_rate,
                "federal_long": self.long_rate,
                "state": 0.0,
                "niit": 0.0,
                "loss_usage": self.loss_usage,
                "carryforward": carried.total,
            },
            "tracking_error": {"budget": self.te_budget},
            "gains_budget": {"yearly_net_gain_usd": self.yearly_net_gain_usd},
            "costs": {"spread_bps": self.spread_bps, "commission_per_trade": 0.0},
        }
