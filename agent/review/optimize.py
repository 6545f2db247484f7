"""The seam between the review and the optimizer: one account in, its trade list out.

``ToolsOptimizer`` (the default) runs ``tools.optimizer``; the review context can carry another
implementation (a stricter one, or a fixed list in tests). Whatever it returns still goes
through evaluate's independent checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from agent.review.proposal import ProposedTrade
from agent.review.snapshot import Snapshot
from policies import Policy
from tools.models import Account
from tools.optimizer.build import build_input
from tools.optimizer.errors import InfeasibleTEBudget, OptimizerError, SolverFailedError
from tools.optimizer.evaluate import tracking_error
from tools.optimizer.inputs import OptimizationInput, TransitionStep
from tools.optimizer.optimize import optimize
from tools.optimizer.results import TradeList
from tools.optimizer.transition import (
    TransitionPlan,
    TransitionTerms,
    plan_transition,
    today_step,
)

# When the TE budget cannot be met, step towards it: first halfway from today's TE to the
# lowest the rules allow (room to harvest and round, and far from the numerically fragile
# minimum), then no worse than today. The lowest TE must sit this far below today's to step.
TE_STEP_HEADROOM = 1.05
TE_STEP_FRACTIONS = (0.5, 1.0)  # of the way back from the lowest TE up to today's


def _step_budgets(lowest_te: float, te_now: float) -> list[float]:
    return [lowest_te + fraction * (te_now - lowest_te) for fraction in TE_STEP_FRACTIONS]


@dataclass(frozen=True)
class AccountRequest:
    snapshot: Snapshot
    account: Account
    policy: Policy
    actions: frozenset[str]  # what the planner asked for: harvest, te_repair, ...
    realized_elsewhere_usd: float = 0.0  # net gain already proposed in other accounts today
    # Wash keys other accounts of the household sell at a loss today: buying any of them here
    # would wash that loss (IRC §1091(a); for good in an IRA, Rev. Rul. 2008-5).
    blocked_wash_keys: frozenset[str] = frozenset()
    concentrated: tuple[str, ...] = ()  # positions perceive found above the concentration weight


@dataclass(frozen=True)
class AccountTrades:
    trades: list[ProposedTrade]
    details: dict[str, Any] = field(default_factory=dict)  # the optimizer's own figures
    realized_gain: float = 0.0  # net gain the trades realize (counts against the gains budget)
    flags: list[str] = field(default_factory=list)  # what a person should look at


class AccountOptimizer(Protocol):
    name: str

    def optimize(self, request: AccountRequest) -> AccountTrades: ...


@dataclass(frozen=True)
class TransitionSchedule:
    """The planned sell-down of the account's largest concentrated position and today's step."""

    plan: TransitionPlan
    step: TransitionStep

    def summary(self) -> dict[str, Any]:
        """What the evidence keeps: the position, today's minimum and the years to target."""
        plan = self.plan
        return {
            "symbol": plan.symbol,
            "weight_before": plan.weight_before,
            "target_weight": plan.target_weight,
            "shares_today_min": self.step.min_shares,
            "shares_today_max": self.step.max_shares,
            "years_to_target": plan.years_to_target,
            "total_tax": plan.total_tax,
            "years": [
                {"year": y.year, "shares_sold": y.shares_sold, "tax": y.tax} for y in plan.years
            ],
            "notes": plan.notes,
        }


def transition_schedule(
    request: AccountRequest, inputs: OptimizationInput
) -> TransitionSchedule | None:
    """This year's step of the sell-down of the account's largest concentrated position that
    may be sold, inside the household's yearly gains budget (``tools.optimizer.transition``).

    Taxable accounts only: an IRA-type account realizes nothing, so the optimizer sells its
    concentrated positions freely. The year's room is what ``build_input`` left (the budget
    less the net gain realized this year and proposed today in other accounts); the position
    aims at its benchmark weight.
    """
    if request.account.is_ira_type:
        return None
    held = set(inputs.lot_security.tolist())
    index = {symbol: i for i, symbol in enumerate(inputs.symbols)}
    candidates = [
        index[symbol]
        for symbol in request.concentrated
        if index.get(symbol) in held and not inputs.no_sell[index[symbol]]
    ]
    if not candidates:
        return None
    security = max(candidates, key=lambda i: float(inputs.weights[i]))
    budget = request.policy.gains_budget.yearly_net_gain_usd
    terms = TransitionTerms(
        security=security,
        gains_budget_usd=budget,
        realized_this_year_usd=budget - inputs.tax.gains_room_usd,
        target_weight=float(inputs.benchmark_weights[security]),
    )
    plan = plan_transition(inputs, terms)
    step = today_step(inputs, terms, plan)
    if step.max_shares <= 0:
        return None  # at or below its benchmark weight: nothing to diversify
    return TransitionSchedule(plan=plan, step=step)


class ToolsOptimizer:
    """The default: ``tools.optimizer`` on the account's inputs built from the snapshot.

    The planner chooses which accounts are optimized; in each one the optimizer solves its
    whole problem (harvest, TE, restrictions, cash) under the policy. Each solve is a one-off
    (no compiled DPP problem is kept): a problem's constants are the account's lots, so a
    review solves each one once or twice, and compiling it for re-solves cost more than it
    saved (Rivera's joint account: 0.68 s compiled against 0.29 s one-off; a 31-household
    daily run 16.6 s against 15.2 s).

    An account whose TE budget cannot be met today (the optimizer's ``InfeasibleTEBudget``)
    gets a step towards it instead: the same problem with the budget set just above the
    lowest achievable TE, flagged so that a person approves it.
    """

    name = "tools.optimizer"

    def optimize(self, request: AccountRequest) -> AccountTrades:
        snapshot = request.snapshot
        household_id = request.account.household_id
        inputs = build_input(
            snapshot.data,
            request.account.account_id,
            ledger=snapshot.ledger(household_id),
            model=snapshot.risk_model,
            policy=request.policy,
            realized_elsewhere_usd=request.realized_elsewhere_usd,
        )
        if request.blocked_wash_keys:
            also_blocked = np.array([key in request.blocked_wash_keys for key in inputs.wash_keys])
            inputs = dataclasses.replace(inputs, wash_blocked=inputs.wash_blocked | also_blocked)
        schedule = None
        if "transition" in request.actions:
            schedule = transition_schedule(request, inputs)
        if schedule is not None:
            inputs = dataclasses.replace(inputs, transition=schedule.step)
        result, flags = self._solve(inputs)
        trades = [ProposedTrade.model_validate(trade.contract_fields()) for trade in result.trades]
        return AccountTrades(
            trades=trades,
            details={
                "transition": schedule.summary() if schedule is not None else None,
                "status": result.status,
                "metrics": result.metrics.model_dump(),
                "binding": [b.model_dump() for b in result.binding],
                "checks": [c.model_dump() for c in result.checks],
                "harvest_candidates": [c.model_dump() for c in result.candidates],
                "skipped": [s.model_dump() for s in result.skipped],
                "timings": result.timings.model_dump(),
                "notes": result.notes,
            },
            realized_gain=result.metrics.realized_short + result.metrics.realized_long,
            flags=flags,
        )

    def _solve(self, inputs: OptimizationInput) -> tuple[TradeList, list[str]]:
        """The trade list, or a step towards an unreachable TE budget.

        The first attempt skips the diagnosis' relaxation solves: a step needs only the lowest
        TE. When no step is possible, the account is solved again with the full diagnosis, so
        the error raised says which relaxations would help.
        """
        try:
            return optimize(inputs, explain=False), []
        except InfeasibleTEBudget as error:
            te_now = tracking_error(inputs, inputs.weights)
            if error.lowest_te * TE_STEP_HEADROOM >= te_now:
                return optimize(inputs), []  # fails again, now naming every relaxation
            last_error: OptimizerError = error
            for step in _step_budgets(error.lowest_te, te_now):
                relaxed = dataclasses.replace(
                    inputs, trading=dataclasses.replace(inputs.trading, te_budget=step)
                )
                try:
                    result = optimize(relaxed, lowest_te=error.lowest_te)
                except (InfeasibleTEBudget, SolverFailedError) as failure:
                    last_error = failure
                    continue
                flag = (
                    f"{inputs.account_id}: TE budget {error.te_budget:.2%} cannot be met today "
                    f"(lowest achievable {error.lowest_te:.2%}); the trades step TE from "
                    f"{te_now:.2%} towards it, to at most {step:.2%}"
                )
                return result, [flag]
            raise last_error from error
