"""What a strategy asks for (orders) and what the simulator did (fills)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Side = Literal["buy", "sell"]


@dataclass(frozen=True)
class Order:
    symbol: str
    side: Side
    quantity: float  # shares; for a sale, the sum of ``lots``
    reason: str  # harvest, repurchase, invest, rebalance, cash, ...
    lots: tuple[tuple[str, float], ...] = ()  # a sale's (lot_id, shares) relieved
    # False books a purchase as a transfer_in, which IRC §1091 never matches: only the
    # immediate_repurchase baseline, which by definition ignores the wash-sale rule.
    acquisition: bool = True


@dataclass(frozen=True)
class Fill:
    """One executed row: a purchase, or the sale of shares of one lot."""

    row: int  # the transaction's row in the simulated history (unique)
    date: dt.date
    symbol: str
    wash_key: str  # substantially-identical key of the symbol
    side: Side
    quantity: float
    price: float  # the close
    fees: float  # half the spread crossed
    lot_id: str  # the lot opened (buy) or relieved (sell)
    reason: str

    @property
    def notional(self) -> float:
        return self.quantity * self.price
