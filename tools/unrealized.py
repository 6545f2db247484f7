"""Open lots valued at the as-of close: market value, unrealized gain and its term."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tools.dataset import close_of
from tools.ledger.holding import Term, term_of
from tools.models import Lot


@dataclass(frozen=True)
class ValuedLot:
    lot: Lot
    price: float
    market_value: float
    unrealized_gain: float  # negative for a loss
    term: Term  # the term a sale on the as-of date would have (IRC §1222)

    @property
    def loss_fraction(self) -> float:
        """Unrealized loss as a fraction of basis (0 for a gain)."""
        if self.unrealized_gain >= 0 or self.lot.cost_basis <= 0:
            return 0.0
        return -self.unrealized_gain / self.lot.cost_basis


def value_lots(lots: Iterable[Lot], prices: Mapping[str, float], as_of: dt.date) -> list[ValuedLot]:
    """Value every lot with ``prices`` (symbol -> close); a held symbol without one is an error."""
    valued = []
    for lot in lots:
        price = close_of(prices, lot.symbol, as_of)
        value = lot.quantity * price
        valued.append(
            ValuedLot(
                lot=lot,
                price=price,
                market_value=value,
                unrealized_gain=value - lot.cost_basis,
                term=term_of(lot.acquired_date.toordinal(), as_of.toordinal()),
            )
        )
    return valued
