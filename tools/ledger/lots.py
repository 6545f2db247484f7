"""The open-lot store: every open share of every account, as homogeneous blocks ("parts").

A lot is one purchase (one ``lot_id`` in one account). It is held as one or more parts; a
part is split when only some of its shares are sold or absorb a wash-sale loss, so that all
shares of a part always share per-share basis, dates and wash-sale status. Within a
position the parts are kept in share order: first in, first out by purchase date (then by
the order the lots arrived), and inside a lot the shares that absorbed a loss come first.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator

from tools.models import Lot

# Quantities closer than this are equal: float share counts pick up rounding dust when
# lots are split and rejoined.
QUANTITY_EPSILON = 1e-9


class LotPart:
    """A block of shares of one lot that agree on basis per share, dates and status.

    ``replaceable`` is true while the shares came from a purchase (``buy``/``reinvest``) and
    have not yet absorbed a wash-sale loss: only such shares can be replacement shares
    (IRC §1091(a); each replacement share absorbs one loss, Treas. Reg. §1.1091-1(e)).
    """

    __slots__ = (
        "account_id",
        "acquired_day",
        "adjustment",
        "cost_basis",
        "lot_id",
        "purchase_day",
        "quantity",
        "replaceable",
        "seq",
        "symbol",
    )

    def __init__(
        self,
        account_id: str,
        symbol: str,
        lot_id: str,
        quantity: float,
        cost_basis: float,
        *,
        purchase_day: int,
        acquired_day: int,
        seq: int,
        replaceable: bool,
        adjustment: float = 0.0,
    ) -> None:
        self.account_id = account_id
        self.symbol = symbol
        self.lot_id = lot_id
        self.quantity = quantity
        self.cost_basis = cost_basis  # total, including ``adjustment``
        self.adjustment = adjustment  # wash-sale losses added to the basis, IRC §1091(d)
        self.purchase_day = purchase_day  # real trade date (ordinal)
        self.acquired_day = acquired_day  # holding-period start after tacking (ordinal)
        self.seq = seq  # arrival order of the lot, breaks purchase-date ties
        self.replaceable = replaceable

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.purchase_day, self.seq)

    @property
    def basis_per_share(self) -> float:
        return self.cost_basis / self.quantity

    def take_front(self, quantity: float) -> LotPart:
        """Detach the first ``quantity`` shares as a new part (basis split pro rata)."""
        share = quantity / self.quantity
        basis = self.cost_basis * share
        adjustment = self.adjustment * share
        front = LotPart(
            self.account_id, self.symbol, self.lot_id, quantity, basis,
            purchase_day=self.purchase_day, acquired_day=self.acquired_day, seq=self.seq,
            replaceable=self.replaceable, adjustment=adjustment,
        )
        self.quantity -= quantity
        self.cost_basis -= basis
        self.adjustment -= adjustment
        return front

    def to_lot(self) -> Lot:
        return Lot.model_construct(
            account_id=self.account_id,
            symbol=self.symbol,
            lot_id=self.lot_id,
            quantity=self.quantity,
            purchase_date=dt.date.fromordinal(self.purchase_day),
            acquired_date=dt.date.fromordinal(self.acquired_day),
            cost_basis=self.cost_basis,
            wash_sale_adjustment=self.adjustment,
        )


class Position:
    """The open parts of one symbol in one account, in share order, and their share count."""

    __slots__ = ("parts", "quantity")

    def __init__(self) -> None:
        self.parts: list[LotPart] = []
        self.quantity = 0.0

    def add(self, part: LotPart) -> None:
        parts = self.parts
        if not parts or parts[-1].sort_key <= part.sort_key:
            parts.append(part)
        else:  # a transferred-in lot bought long ago
            parts.insert(bisect.bisect_right(parts, part.sort_key, key=_sort_key), part)
        self.quantity += part.quantity

    def insert_before(self, anchor: LotPart, part: LotPart) -> None:
        self.parts.insert(self.parts.index(anchor), part)

    def relieved(self, quantity: float, *, from_front: bool) -> None:
        """Forget closed parts after a sale of ``quantity`` shares.

        ``from_front``: the sale took parts in share order, so the closed ones lead the list.
        """
        self.quantity = max(self.quantity - quantity, 0.0)
        parts = self.parts
        if from_front:
            closed = 0
            while closed < len(parts) and parts[closed].quantity == 0.0:
                closed += 1
            del parts[:closed]
        else:
            self.parts = [part for part in parts if part.quantity > 0.0]

    def split(self, ratio: float) -> None:
        for part in self.parts:
            part.quantity *= ratio
        self.quantity *= ratio


def _sort_key(part: LotPart) -> tuple[int, int]:
    return (part.purchase_day, part.seq)


class OpenLotStore:
    """Positions by (account, symbol), and which symbol each (account, lot_id) belongs to."""

    __slots__ = ("_lot_symbols", "_positions")

    def __init__(self) -> None:
        self._positions: dict[tuple[str, str], Position] = {}
        self._lot_symbols: dict[tuple[str, str], str] = {}

    def position(self, account_id: str, symbol: str) -> Position | None:
        return self._positions.get((account_id, symbol))

    def add(self, part: LotPart) -> None:
        key = (part.account_id, part.symbol)
        position = self._positions.get(key)
        if position is None:
            position = self._positions[key] = Position()
        position.add(part)
        self._lot_symbols[(part.account_id, part.lot_id)] = part.symbol

    def split_front(self, part: LotPart, quantity: float) -> LotPart:
        """Split the first ``quantity`` shares off ``part``, keeping share order."""
        front = part.take_front(quantity)
        position = self._positions[(part.account_id, part.symbol)]
        position.insert_before(part, front)
        return front

    def lot_symbol(self, account_id: str, lot_id: str) -> str | None:
        """The symbol of a lot ever opened in the account (None if the lot_id is unknown)."""
        return self._lot_symbols.get((account_id, lot_id))

    def parts(self, account_id: str | None = None) -> Iterator[LotPart]:
        """Open parts (of one account, or all), grouped by position in first-seen order."""
        for (account, _symbol), position in self._positions.items():
            if account_id is None or account == account_id:
                yield from (part for part in position.parts if part.quantity > 0.0)
