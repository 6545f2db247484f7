"""Narrowing a review to what the advisor asked for: some actions, some names left alone.

``FocusedPlanner`` keeps only the planned steps of the requested actions ("a harvest
review"). ``AvoidingOptimizer`` keeps named sectors, industries or symbols out of the trade
list ("without touching energy"): the optimizer solves with no-buy and no-sell rules on them,
and any trade on them that still arrives (one the LLM planner asked for, or one of the
unconstrained solution used when holding them fixed is infeasible) is dropped with a flag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from agent.llm.trace import PlannerTrace, TracedPlanner
from agent.llm.whatif import snapshot_with
from agent.planners.base import Observation, Plan, Planner
from agent.review.optimize import AccountOptimizer, AccountRequest, AccountTrades
from tools.models import Restriction
from tools.optimizer.errors import OptimizerError


class FocusedPlanner:
    def __init__(self, inner: Planner, actions: frozenset[str]) -> None:
        self.inner = inner
        self.actions = actions
        self.name = inner.name

    def plan(self, observation: Observation) -> Plan:
        plan = self.inner.plan(observation)
        kept = [step for step in plan.steps if step.action in self.actions]
        return plan.model_copy(update={"steps": kept})

    def take_trace(self) -> PlannerTrace | None:
        return self.inner.take_trace() if isinstance(self.inner, TracedPlanner) else None


class AvoidingOptimizer:
    def __init__(self, inner: AccountOptimizer, rules: Sequence[Restriction]) -> None:
        self.inner = inner
        self.rules = tuple(rules)
        self.name = inner.name

    def optimize(self, request: AccountRequest) -> AccountTrades:
        snapshot = snapshot_with(request.snapshot, self.rules)
        notes: list[str] = []
        try:
            result = self.inner.optimize(dataclasses.replace(request, snapshot=snapshot))
        except OptimizerError as error:
            # Holding the named positions fixed can make the problem infeasible (TE, cash);
            # then the unconstrained list is filtered instead, and the checks re-verify it.
            result = self.inner.optimize(request)
            notes.append(
                f"{request.account.account_id}: leaving those names alone was "
                f"infeasible for the optimizer ({type(error).__name__}); its "
                "unconstrained trades were filtered instead"
            )
        securities = request.snapshot.data.securities
        kept, dropped = [], []
        for trade in result.trades:
            security = securities.get(trade.symbol)
            if security is not None and any(rule.matches(security) for rule in self.rules):
                dropped.append(trade)
            else:
                kept.append(trade)
        if not dropped and not notes:
            return result
        if dropped:
            notes.append(
                f"{request.account.account_id}: dropped {len(dropped)} trades in names "
                "the advisor asked to leave alone: "
                + ", ".join(sorted({t.symbol for t in dropped}))
            )
        return AccountTrades(
            trades=kept,
            details=result.details,
            realized_gain=result.realized_gain,
            flags=[*result.flags, *notes],
        )
