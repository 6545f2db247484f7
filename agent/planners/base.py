"""The planner interface shared by the rule planner and the LLM planner.

A planner reads perceive's Observation (small, JSON-like) and returns a Plan: which
evaluations to run for which accounts. Whatever it plans still goes through evaluate's
independent checks, so a planner can waste effort but never get a bad trade through.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["harvest", "te_repair", "transition", "restriction_cleanup", "cash_deployment"]


class AccountObservation(BaseModel):
    model_config = ConfigDict(frozen=True)

    account_id: str
    market_value: float
    cash: float
    te: float
    te_budget: float
    te_status: Literal["ok", "warn", "breach"]
    harvest_candidates: int  # lots past both harvest thresholds and safe from wash sales
    harvestable_loss: float  # their total unrealized loss (positive number)
    excluded_holdings: list[str] = Field(default_factory=list)  # held but excluded symbols
    concentrated: list[str] = Field(default_factory=list)  # positions over the policy weight
    cash_fraction: float = 0.0
    cash_above_band: bool = False  # cash over the policy's band: deploy it


class Observation(BaseModel):
    model_config = ConfigDict(frozen=True)

    household_id: str
    as_of: str
    first_run: bool
    accounts: list[AccountObservation]
    changes: list[str] = Field(default_factory=list)  # what changed since the last run
    gains_budget_left: float = 0.0
    restrictions: list[str] = Field(default_factory=list)  # in force for the household
    pending: list[str] = Field(default_factory=list)  # scheduled purchases in the next 30 days


class PlannedStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Action
    account_id: str
    why: str


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    planner: str
    steps: list[PlannedStep] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)  # reasons a person should look at this

    @property
    def is_empty(self) -> bool:
        return not self.steps

    def actions_for(self, account_id: str) -> set[str]:
        return {step.action for step in self.steps if step.account_id == account_id}


class Planner(Protocol):
    name: str

    def plan(self, observation: Observation) -> Plan: ...
