"""The lotwise strategy: the agent's own deterministic core, auto-approved.

On each decision day the account's fills so far and the market up to today become a
review snapshot (:class:`~agent.review.snapshot.Snapshot` over an in-memory data set, which
replays its ledger and estimates its risk model as a review does), the review's optimizer
seam (:class:`~agent.review.optimize.ToolsOptimizer`, the object the evaluate node calls)
proposes trades, and the review's independent checks (:func:`~agent.review.screen.screen_trades`)
remove any trade that fails; whatever survives is filled, as an auto-approved run would be.
Nothing here re-implements a trading rule.
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
from tools.dataset import PRICES_FILE, PortfolioData
from tools.errors import DataValidationError
from tools.models import Household
from tools.optimizer.errors import OptimizerError

REVIEW_ACTIONS = frozenset({"harvest", "te_repair"})


class LotwiseStrategy:
    name = "lotwise"

    def __init__(self) -> None:
        self.optimizer = ToolsOptimizer()  # keeps compiled problems between decision days
        self.counters = {
            "reviews": 0,
            "optimizer_failures": 0,
            "removed_by_checks": 0,
            "rejected_by_checks": 0,
            "check_outcomes": 0,
        }

    def decide(self, ctx: DayContext) -> list[Order]:
        if ctx.day == ctx.market.start:
            return invest_cash(ctx, ctx.cash)  # every strategy starts from the same portfolio
        if not ctx.decision:
            return []
        snapshot = review_snapshot(ctx)
        self.counters["reviews"] += 1
        try:
            proposed = self.optimizer.optimize(
                AccountRequest(
                    snapshot=snapshot,
                    account=ctx.account,
                    policy=ctx.policy,
                    actions=REVIEW_ACTIONS,
                )
            ).trades
        except (OptimizerError, DataValidationError):
            self.counters["optimizer_failures"] += 1
            return []
        screened = screen_trades(
            CheckSubject(snapshot, ctx.account.household_id, ctx.policy),
            proposed,
            self._count_round,
        )
        self.counters["removed_by_checks"] += len(screened.removed)
        if not screened.passed:
            self.counters["rejected_by_checks"] += 1
            return []
        return [_order(trade) for trade in screened.kept]

    def _count_round(
        self, round_number: int, outcome: CheckOutcome, checked: Sequence[ProposedTrade]
    ) -> int:
        """The checks' recorder: no evidence log in a backtest, so count the outcomes."""
        self.counters["check_outcomes"] += 1
        return self.counters["check_outcomes"]


def review_snapshot(ctx: DayContext) -> Snapshot:
    """The review's view of the backtest account on ``ctx.date``: every fill so far, prices up
    to today, the drifted benchmark, the backtest's policy terms."""
    market = ctx.market
    history = market.prices.iloc[: ctx.day + 1]
    weights = market.benchmark_weights_on(ctx.day)
    account = ctx.account
    data = PortfolioData(
        root=Path("backtest"),
        as_of=ctx.date,
        securities=market.securities,
        accounts={account.account_id: account},
        households={
            account.household_id: Household(
                household_id=account.household_id, account_ids=(account.account_id,)
            )
        },
        transactions=tuple(ctx.transactions),
        close=history,
        adj_close=history,
        benchmark=pd.DataFrame(
            {"date": pd.Timestamp(ctx.date), "symbol": weights.index, "weight": weights.to_numpy()}
        ),
        policy_overrides=ctx.policy_overrides,
        # keys the review's risk-model cache: two markets must never share an entry
        file_digests={PRICES_FILE: market.digest},
    )
    return Snapshot(data=data, hash=f"{market.digest}:{ctx.date.isoformat()}")


def _order(trade: ProposedTrade) -> Order:
    return Order(
        trade.symbol,
        trade.side,
        trade.quantity,
        trade.reason,
        lots=tuple((relief.lot_id, relief.quantity) for relief in trade.lots),
    )
