"""The policy schema: every knob the optimizer, the checks and the approval gate read.

Unknown keys are errors (a misspelt override must not be silently ignored).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Fraction = Field(ge=0.0, le=1.0)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaxProfile(_Section):
    federal_short: float = Field(ge=0.0, le=1.0)
    federal_long: float = Field(ge=0.0, le=1.0)
    state: float = Field(ge=0.0, le=1.0)
    niit: float = Field(ge=0.0, le=1.0)
    loss_usage: Literal["unlimited", "cap_3000"]
    ordinary_income_cap: float = Field(ge=0.0)
    carryforward: float = Field(ge=0.0)
    carryforward_value: float = Field(ge=0.0, le=1.0)

    @property
    def short_rate(self) -> float:
        """Combined marginal rate on short-term gains (ordinary income + state + NIIT)."""
        return self.federal_short + self.state + self.niit

    @property
    def long_rate(self) -> float:
        """Combined marginal rate on long-term gains (IRC §1(h) + state + NIIT)."""
        return self.federal_long + self.state + self.niit

    @model_validator(mode="after")
    def _rates_below_one(self) -> TaxProfile:
        if self.short_rate >= 1.0 or self.long_rate >= 1.0:
            raise ValueError("combined tax rate (federal + state + niit) must be below 1")
        return self


class HarvestThresholds(_Section):
    min_loss_usd: float = Field(ge=0.0)
    min_loss_pct: float = Fraction


class TrackingErrorPolicy(_Section):
    budget: float = Field(gt=0.0, le=1.0)
    warn_fraction: float = Field(gt=0.0, le=1.0)


class GainsBudget(_Section):
    yearly_net_gain_usd: float = Field(ge=0.0)


class TradingLimits(_Section):
    max_turnover: float = Field(gt=0.0, le=2.0)
    min_trade_usd: float = Field(ge=0.0)


class CostModel(_Section):
    commission_per_trade: float = Field(ge=0.0)
    spread_bps: float = Field(ge=0.0)


class CashBand(_Section):
    min_fraction: float = Fraction
    max_fraction: float = Fraction

    @model_validator(mode="after")
    def _ordered(self) -> CashBand:
        if self.min_fraction > self.max_fraction:
            raise ValueError("min_fraction must not exceed max_fraction")
        return self


class ApprovalRules(_Section):
    auto_approve_low_impact: bool
    high_impact_net_gain_usd: float = Field(ge=0.0)
    high_impact_short_gain_usd: float = Field(ge=0.0)
    high_impact_turnover: float = Field(gt=0.0)
    high_impact_te_after_warn: bool
    high_impact_concentrated_trades: bool
    high_impact_first_run: bool
    high_impact_planner_flags: bool
    require_second_person: bool


class WashSaleOptions(_Section):
    window_days: Literal[30] = 30  # fixed by IRC §1091(a); present so policies state it
    pending_purchases_count: bool
    allow_charged_wash: bool
    repurchase_buffer_days: int = Field(ge=0, le=30)


class EsgTilt(_Section):
    """Keep the account's ESG score ``target_points`` above the benchmark's weighted average,
    within ``tolerance`` points (a hard band)."""

    target_points: float = Field(ge=-100.0, le=100.0)
    tolerance: float = Field(gt=0.0)


class SectorTilt(_Section):
    """Hold ``sector`` at ``active_weight`` above (below, when negative) its benchmark weight,
    within ``tolerance`` (a hard band, as a fraction of the account)."""

    sector: str = Field(min_length=1)
    active_weight: float = Field(ge=-1.0, le=1.0)
    tolerance: float = Field(gt=0.0, le=1.0)


class TiltPolicy(_Section):
    esg: EsgTilt | None = None
    sectors: list[SectorTilt] = Field(default_factory=list)

    @field_validator("sectors")
    @classmethod
    def _one_band_per_sector(cls, sectors: list[SectorTilt]) -> list[SectorTilt]:
        names = [tilt.sector for tilt in sectors]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"sector tilted more than once: {', '.join(repeated)}")
        return sectors


class Policy(_Section):
    tax: TaxProfile
    harvest: HarvestThresholds
    tracking_error: TrackingErrorPolicy
    gains_budget: GainsBudget
    trading: TradingLimits
    costs: CostModel
    cash: CashBand
    approval: ApprovalRules
    wash_sale: WashSaleOptions
    tilts: TiltPolicy = Field(default_factory=TiltPolicy)
