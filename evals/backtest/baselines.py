"""The baselines every lotwise backtest is compared with, on the same prices and costs.

- ``buy_and_hold``: buy the benchmark once (and invest contributions), never sell;
- ``chaudhuri_monthly``: Chaudhuri, Burnham and Lo (FAJ 2020) with the wash-sale rule: on the
  first trading day of each month sell every lot below its basis, hold the cash for 31 days,
  then buy the name back;
- ``immediate_repurchase``: the same monthly harvest ignoring the wash-sale rule (sell and buy
  back at once, claiming the whole loss): the paper's upper bound.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from evals.backtest.context import DayContext
from evals.backtest.orders import Order
from tools.ledger.washsale import WINDOW_DAYS
from tools.models import Lot

SHARE_DECIMALS = 4
SIT_OUT_DAYS = WINDOW_DAYS + 1  # IRC §1091(a): the 30 days after the sale, then one more


def shares_for(amount: float, price: float, half_spread: float) -> float:
    """Shares ``amount`` dollars buy at ``price`` after crossing half the spread (rounded down)."""
    scale = 10**SHARE_DECIMALS
    return int(amount / (price * (1.0 + half_spread)) * scale) / scale


def invest_cash(
    ctx: DayContext, amount: float, *, skip: frozenset[str] = frozenset(), reason: str = "invest"
) -> list[Order]:
    """Buy the benchmark (today's drifted weights, renormalized without ``skip``) for ``amount``."""
    if amount < ctx.policy.trading.min_trade_usd:
        return []
    weights = ctx.market.benchmark_weights_on(ctx.day)
    weights = weights[[symbol not in skip for symbol in weights.index]]
    weights = weights / weights.sum()
    prices = ctx.prices
    orders = []
    for symbol, weight in weights.items():
        quantity = shares_for(amount * float(weight), float(prices[symbol]), ctx.half_spread)
        if quantity > 0:
            orders.append(Order(str(symbol), "buy", quantity, reason))
    return orders


def losing_lots(ctx: DayContext) -> dict[str, list[Lot]]:
    """Open lots worth less than their basis after the spread, by symbol."""
    prices = ctx.prices
    found: dict[str, list[Lot]] = defaultdict(list)
    for lot in ctx.lots():
        proceeds = lot.quantity * float(prices[lot.symbol]) * (1.0 - ctx.half_spread)
        if proceeds < lot.cost_basis:
            found[lot.symbol].append(lot)
    return dict(found)


def sale_of(lots: list[Lot], reason: str) -> Order:
    return Order(
        lots[0].symbol,
        "sell",
        sum(lot.quantity for lot in lots),
        reason,
        lots=tuple((lot.lot_id, lot.quantity) for lot in lots),
    )


class BuyAndHold:
    name = "buy_and_hold"

    def decide(self, ctx: DayContext) -> list[Order]:
        if ctx.day == ctx.market.start or ctx.month_start:
            return invest_cash(ctx, ctx.cash)
        return []


class ChaudhuriMonthly:
    """Monthly harvest under the wash-sale rule: sell losers, sit out 31 days, buy back."""

    name = "chaudhuri_monthly"

    def __init__(self) -> None:
        self.reserved: dict[str, float] = {}  # symbol -> sale proceeds waiting to buy it back
        self.sit_out_until: dict[str, dt.date] = {}  # wash key -> first day it may be bought

    def decide(self, ctx: DayContext) -> list[Order]:
        idle = ctx.cash - sum(self.reserved.values())
        orders = self._repurchases(ctx)
        if ctx.day == ctx.market.start or ctx.month_start:
            orders = self._harvest(ctx) + orders
            waiting = frozenset(
                symbol
                for symbol in ctx.market.prices.columns
                if self.sit_out_until.get(self._key(ctx, symbol), ctx.date) > ctx.date
            )
            orders += invest_cash(ctx, idle, skip=waiting)
        return orders

    @staticmethod
    def _key(ctx: DayContext, symbol: str) -> str:
        return ctx.market.securities[symbol].wash_key

    def _repurchases(self, ctx: DayContext) -> list[Order]:
        orders = []
        for symbol in list(self.reserved):
            if ctx.date < self.sit_out_until[self._key(ctx, symbol)]:
                continue
            amount = self.reserved.pop(symbol)
            quantity = shares_for(amount, float(ctx.prices[symbol]), ctx.half_spread)
            if quantity > 0:
                orders.append(Order(symbol, "buy", quantity, "repurchase"))
        return orders

    def _harvest(self, ctx: DayContext) -> list[Order]:
        orders = []
        for symbol, lots in sorted(losing_lots(ctx).items()):
            key = self._key(ctx, symbol)
            if self._bought_recently(ctx, key, {lot.lot_id for lot in lots}):
                continue
            order = sale_of(lots, "harvest")
            orders.append(order)
            proceeds = order.quantity * float(ctx.prices[symbol]) * (1.0 - ctx.half_spread)
            self.reserved[symbol] = self.reserved.get(symbol, 0.0) + proceeds
            self.sit_out_until[key] = ctx.date + dt.timedelta(days=SIT_OUT_DAYS)
        return orders

    @staticmethod
    def _bought_recently(ctx: DayContext, key: str, sold_lots: set[str]) -> bool:
        """A purchase of the key in the 30 days before would wash the loss (IRC §1091(a)),
        unless it is one of the lots sold whole (Rev. Rul. 56-602)."""
        earliest = ctx.date - dt.timedelta(days=WINDOW_DAYS)
        return any(
            day >= earliest and lot_id not in sold_lots
            for day, lot_id in ctx.purchases.get(key, [])
        )


class ImmediateRepurchase:
    """Monthly harvest that sells losers and buys them straight back, ignoring IRC §1091."""

    name = "immediate_repurchase"

    def decide(self, ctx: DayContext) -> list[Order]:
        if not (ctx.day == ctx.market.start or ctx.month_start):
            return []
        orders = invest_cash(ctx, ctx.cash)
        for _, lots in sorted(losing_lots(ctx).items()):
            sale = sale_of(lots, "harvest")
            orders += [
                sale,
                Order(sale.symbol, "buy", sale.quantity, "repurchase", acquisition=False),
            ]
        return orders
