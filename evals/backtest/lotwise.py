"""The lotwise strategy: the agent's own deterministic core, auto-approved.

On each decision day the account's books and the market up to today become the review's
inputs (a :class:`~agent.review.snapshot.Snapshot` over an in-memory data set), the review's
optimizer seam (:class:`~agent.review.optimize.ToolsOptimizer`, the same object the evaluate
node calls) proposes trades, and the review's independent checks
(:func:`~agent.review.screen.screen_trades`) remove any trade that fails; whatever survives is
filled, as an auto-approved run would be. Nothing here re-implements a trading rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from agent.review.checks import CheckOutcome, CheckSubject
from agent.review.optimize import AccountRequest, ToolsOptimizer
from agent.review.proposal import ProposedTrade
from agent.review.screen import screen_trades
from agent.review.snapshot import Snapshot
from evals.backtest.baselines import invest_cash
from evals.backtest.context import DayContext
from evals.backtest.orders import Order
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.models import Household
from tools.optimizer.errors import OptimizerError
from tools.risk.model import FactorModel
from tools.risk.pca import estimate_pca_model
from tools.risk.returns import daily_returns

REVIEW_ACTIONS = frozenset({"harvest", "te_repair"})


class LotwiseStrategy:
    name = "lotwise"

    def __init__(self, risk_refit_every_days: int = 21) -> None:
        self.optimizer = ToolsOptimizer()
        self.refit_every = risk_refit_every_days
        self._model: FactorModel | None = None
        self._model_day = -1
        self.counters = {"reviews": 0, "optimizer_failures": 0, "removed_by_checks": 0,
                         "rejected_by_checks": 0, "check_rounds": 0}

    def decide(self, ctx: DayContext) -> list[Order]:
        if ctx.day == ctx.market.start:
            return invest_cash(ctx, ctx.cash)  # every strategy starts from the same portfolio
        if not ctx.decision:
            return []
        snapshot = self._snapshot(ctx)
        self.counters["reviews"] += 1
        try:
            proposed = self.optimizer.optimize(AccountRequest(
                snapshot=snapshot, account=ctx.account, policy=ctx.policy,
                actions=REVIEW_ACTIONS)).trades
        except (OptimizerError, DataValidationError):
            self.counters["optimizer_failures"] += 1
            return []
        screened = screen_trades(CheckSubject(snapshot, ctx.account.household_id, ctx.policy),
                                 proposed, self._count_round)
        self.counters["removed_by_checks"] += len(screened.removed)
        if not screened.passed:
            self.counters["rejected_by_checks"] += 1
            return []
        return [_order(trade) for trade in screened.kept]

    def _count_round(self, round_number: int, outcome: CheckOutcome,
                     checked: Sequence[ProposedTrade]) -> int:
        """The checks' recorder: no evidence log in a backtest, so count the rounds run."""
        self.counters["check_rounds"] += 1
        return self.counters["check_rounds"]

    def _snapshot(self, ctx: DayContext) -> Snapshot:
        market = ctx.market
        history = market.prices.iloc[: ctx.day + 1]
        weights = market.benchmark_weights_on(ctx.day)
        data = PortfolioData(
            root=Path("backtest"),
            as_of=ctx.date,
            securities=market.securities,
            accounts={ctx.account.account_id: ctx.account},
            households={ctx.account.household_id: Household(
                household_id=ctx.account.household_id, account_ids=(ctx.account.account_id,))},
            transactions=(),
            close=history,
            adj_close=history,
            benchmark=pd.DataFrame({"date": pd.Timestamp(ctx.date), "symbol": weights.index,
                                    "weight": weights.to_numpy()}),
            file_digests={"prices.csv": market.digest},
        )
        snapshot = Snapshot(data=data, hash=f"{market.digest}:{ctx.date.isoformat()}")
        # The snapshot's ledger and risk model are cached properties: hand it the live books
        # (a replay of every fill so far would give the same ledger, slower) and the model
        # estimated at most ``refit_every`` trading days ago.
        snapshot.__dict__["ledger"] = ctx.engine.ledger(ctx.date)
        snapshot.__dict__["risk_model"] = self._risk_model(ctx, history)
        return snapshot

    def _risk_model(self, ctx: DayContext, history: pd.DataFrame) -> FactorModel:
        if self._model is None or ctx.day - self._model_day >= self.refit_every:
            self._model = estimate_pca_model(daily_returns(history, ctx.date))
            self._model_day = ctx.day
        return self._model


def _order(trade: ProposedTrade) -> Order:
    return Order(trade.symbol, trade.side, trade.quantity, trade.reason,
                 lots=tuple((relief.lot_id, relief.quantity) for relief in trade.lots))
