"""The simulated account's books: orders become ledger rows, filled at the close with costs.

Every fill goes through ``tools.ledger.LedgerEngine`` (the ledger the agent replays), so lots,
cash, disposals and wash-sale matches are the real engine's. Costs: half the policy's spread
on every dollar traded, as a fee (part of a purchase's basis, out of a sale's proceeds).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from evals.backtest.orders import Fill, Order
from tools.ledger import LedgerEngine
from tools.models import Account, Transaction

SOURCE = "backtest"
SHARE_DECIMALS = 4


class Books:
    def __init__(self, engine: LedgerEngine, account: Account, half_spread: float) -> None:
        self.engine = engine
        self.account = account
        self.half_spread = half_spread
        self.fills: list[Fill] = []
        self.shares: dict[str, float] = defaultdict(float)
        self.purchases: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        self.transactions: list[Transaction] = []  # every row applied, in order
        self._row = 0

    @property
    def cash(self) -> float:
        return float(self.engine.cash[self.account.account_id])

    def value(self, prices: pd.Series) -> float:
        held = sum(
            quantity * float(prices[symbol])
            for symbol, quantity in self.shares.items()
            if quantity > 0
        )
        return held + self.cash

    def move_cash(self, date: dt.date, amount: float) -> None:
        """Deposit (positive) or withdraw (negative) ``amount`` dollars."""
        if amount:
            self._apply(date, "deposit" if amount > 0 else "withdraw", quantity=abs(amount))

    def execute(self, date: dt.date, orders: list[Order], prices: pd.Series) -> None:
        """Sales first, then purchases scaled down to the cash there is."""
        for order in orders:
            if order.side == "sell":
                self._sell(date, order, float(prices[order.symbol]))
        buys = [order for order in orders if order.side == "buy"]
        cost = sum(o.quantity * float(prices[o.symbol]) * (1.0 + self.half_spread) for o in buys)
        scale = min(1.0, self.cash / cost) if cost > 0 else 0.0
        for order in buys:
            quantity = _round_down(order.quantity * scale)
            if quantity > 0:
                self._buy(date, order, quantity, float(prices[order.symbol]))

    def _sell(self, date: dt.date, order: Order, price: float) -> None:
        key = self.engine.wash_key(order.symbol)
        for lot_id, quantity in order.lots:
            fees = quantity * price * self.half_spread
            row = self._apply(
                date,
                "sell",
                symbol=order.symbol,
                quantity=quantity,
                price=price,
                fees=fees,
                lot_id=lot_id,
            )
            self.fills.append(
                Fill(
                    row,
                    date,
                    order.symbol,
                    key,
                    "sell",
                    quantity,
                    price,
                    fees,
                    lot_id,
                    order.reason,
                )
            )
            self.shares[order.symbol] -= quantity

    def _buy(self, date: dt.date, order: Order, quantity: float, price: float) -> None:
        fees = quantity * price * self.half_spread
        lot_id = f"bt-{self._row + 1}"
        if order.acquisition:
            row = self._apply(
                date,
                "buy",
                symbol=order.symbol,
                quantity=quantity,
                price=price,
                fees=fees,
                lot_id=lot_id,
            )
        else:
            row = self._apply(
                date,
                "transfer_in",
                symbol=order.symbol,
                quantity=quantity,
                lot_id=lot_id,
                acquired_date=date,
                cost_basis=quantity * price + fees,
            )
            self._apply(date, "withdraw", quantity=quantity * price + fees)
        key = self.engine.wash_key(order.symbol)
        self.fills.append(
            Fill(row, date, order.symbol, key, "buy", quantity, price, fees, lot_id, order.reason)
        )
        self.purchases[key].append((date, lot_id))
        self.shares[order.symbol] += quantity

    def _apply(self, date: dt.date, action: str, **fields: object) -> int:
        self._row += 1
        transaction = Transaction.model_validate(
            {
                "row": self._row,
                "date": date,
                "account_id": self.account.account_id,
                "action": action,
                **fields,
            }
        )
        self.engine.apply(transaction, SOURCE)
        self.transactions.append(transaction)
        return self._row


def _round_down(quantity: float) -> float:
    scale = 10**SHARE_DECIMALS
    return int(quantity * scale) / scale
