"""Trades the LLM planner asks for by name, handed to evaluate's checks.

The plan type only says which evaluations to run; a model may also want specific trades
("buy XOM in the joint account"). Those are never trusted: ``DirectedOptimizer`` appends them
to the optimizer's own list for the account, and evaluate's independent checks (lots,
restrictions, wash sale, cash, tracking error) decide, recording every refusal as evidence.

The requests live in memory between reason and evaluate of the same process. A run resumed
in a new process after reason has none: it then evaluates only what the optimizer chose,
which is the conservative outcome.
"""

from __future__ import annotations

import math
import threading
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.review.optimize import AccountOptimizer, AccountRequest, AccountTrades
from agent.review.proposal import LotRelief, ProposedTrade


class RequestedLot(BaseModel):
    model_config = ConfigDict(frozen=True)

    lot_id: str
    quantity: float = Field(gt=0)


class RequestedTrade(BaseModel):
    model_config = ConfigDict(frozen=True)

    account_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: float = Field(gt=0)
    lots: list[RequestedLot] = Field(
        default_factory=list, description="For a sale: the lots to relieve."
    )


class TradeRequests:
    """The planner's requested trades by (household, as-of date), taken once by evaluate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_day: dict[tuple[str, str], list[RequestedTrade]] = {}

    def put(self, household_id: str, as_of: str, trades: list[RequestedTrade]) -> None:
        with self._lock:
            self._by_day[(household_id, as_of)] = list(trades)

    def take(self, household_id: str, as_of: str, account_id: str) -> list[RequestedTrade]:
        with self._lock:
            waiting = self._by_day.get((household_id, as_of), [])
            mine = [t for t in waiting if t.account_id == account_id]
            self._by_day[(household_id, as_of)] = [t for t in waiting if t.account_id != account_id]
        return mine


class DirectedOptimizer:
    """The wrapped optimizer's trades plus the planner's requests for the same account."""

    def __init__(self, inner: AccountOptimizer, requests: TradeRequests) -> None:
        self.inner = inner
        self.requests = requests
        self.name = f"{inner.name}+planner-requests"

    def optimize(self, request: AccountRequest) -> AccountTrades:
        result = self.inner.optimize(request)
        account = request.account
        wanted = self.requests.take(
            account.household_id, request.snapshot.as_of.isoformat(), account.account_id
        )
        if not wanted:
            return result
        prices = request.snapshot.data.prices_on()
        added: list[ProposedTrade] = []
        unpriced: list[str] = []
        for trade in wanted:
            price = float(prices.get(trade.symbol, math.nan))
            if not math.isfinite(price):
                unpriced.append(trade.symbol)
                continue
            added.append(
                ProposedTrade(
                    account_id=trade.account_id,
                    symbol=trade.symbol,
                    side=trade.side,
                    quantity=trade.quantity,
                    est_price=price,
                    reason="rebalance",
                    lots=[
                        LotRelief(lot_id=lot.lot_id, quantity=lot.quantity) for lot in trade.lots
                    ],
                )
            )
        flags = (
            [
                f"{account.account_id}: {len(added)} trades requested by the LLM planner "
                "were added for the checks to judge"
            ]
            if added
            else []
        )
        if unpriced:
            flags.append(
                f"{account.account_id}: the LLM planner asked to trade "
                f"{', '.join(unpriced)}, which has no price: not proposed"
            )
        return AccountTrades(
            trades=[*result.trades, *added],
            details={**result.details, "planner_requests": [t.model_dump() for t in added]},
            realized_gain=result.realized_gain,
            flags=[*result.flags, *flags],
        )
