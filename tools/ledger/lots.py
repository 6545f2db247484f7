"""The open-lot store: every open share of every account, as homogeneous blocks ("parts").

A lot is one purchase (one ``lot_id`` in one account). It is held as one or more parts; a
part is split when only some of its shares are sold or absorb a wash-sale loss, so that all
shares of a part always share per-share basis, dates and wash-sale status. Within a
position the parts are kept in share order: first in, first out by purchase date (then by
the order the lots arrived), and inside a lot the shares that absorbed a loss come first.
"""

from __future__ import annotations

import bisect
import copy
import operator
from collections.abc import Iterator
from typing import Any

from tools.ledger.holding import date_of
from tools.models import Lot

_SEQ_SHIFT = 32  # up to 2**32 pieces split off the part of one row
_DAY_SHIFT = 96  # up to 2**64 rows


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
        "order",
        "purchase_day",
        "quantity",
        "replaceable",
        "seq",
        "symbol",
    )

    def __init__(  # noqa: PLR0917 - positional calls are cheaper on the replay's hot path
        self,
        account_id: str,
        symbol: str,
        lot_id: str,
        quantity: float,
        cost_basis: float,
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
        # Share order, unique: first in, first out by purchase date, then arrival; the low
        # bits number the pieces split off one part (earlier pieces first). One int compares
        # faster than a tuple on the hot path.
        self.order = (purchase_day << _DAY_SHIFT) | (seq << _SEQ_SHIFT)
        self.replaceable = replaceable

    def __deepcopy__(self, memo: dict[int, Any]) -> LotPart:
        """Every slot holds an immutable value (str, int, float, bool), so copying the slots
        is a full deep copy; it spares ``copy``'s generic reduce path, which dominated
        ``LedgerEngine.fork`` (a what-if copies every open part of the books)."""
        twin = LotPart.__new__(LotPart)
        for name in LotPart.__slots__:
            setattr(twin, name, getattr(self, name))
        memo[id(self)] = twin
        return twin

    def to_lot(self) -> Lot:
        return Lot.model_construct(
            account_id=self.account_id,
            symbol=self.symbol,
            lot_id=self.lot_id,
            quantity=self.quantity,
            purchase_date=date_of(self.purchase_day),
            acquired_date=date_of(self.acquired_day),
            cost_basis=self.cost_basis,
            wash_sale_adjustment=self.adjustment,
        )


class Position:
    """The open parts of one symbol in one account, in share order.

    ``parts`` stays sorted by ``order`` (unique): purchases append, a sale in share order
    takes from the front, and a part sold out of order is found by bisection.
    """

    __slots__ = ("parts", "quantity")

    def __init__(self) -> None:
        self.parts: list[LotPart] = []
        self.quantity = 0.0

    def __deepcopy__(self, memo: dict[int, Any]) -> Position:
        """Copy the parts through ``memo`` so every other holder of a part (the wash-sale
        books) gets the same copy; ``quantity`` is a float."""
        twin = Position()
        twin.parts = [copy.deepcopy(part, memo) for part in self.parts]
        twin.quantity = self.quantity
        memo[id(self)] = twin
        return twin

    def relieved(self, quantity: float, closed: list[LotPart], from_front: bool) -> None:
        """Forget the parts a sale of ``quantity`` shares closed.

        ``from_front``: the sale took the position in share order, so ``closed`` are exactly
        the leading parts.
        """
        left = self.quantity - quantity
        self.quantity = left if left > 0.0 else 0.0
        parts = self.parts
        if from_front:
            del parts[: len(closed)]
        else:
            for part in closed:
                del parts[bisect.bisect_left(parts, part.order, key=_order_of)]

    def split(self, ratio: float) -> None:
        for part in self.parts:
            part.quantity *= ratio
        self.quantity *= ratio


_order_of = operator.attrgetter("order")


class OpenLotStore:
    """Positions by (account, symbol), and the symbol of every lot ever opened."""

    __slots__ = ("_by_symbol", "_lot_symbols", "_positions")

    def __init__(self) -> None:
        self._positions: dict[tuple[str, str], Position] = {}
        self._by_symbol: dict[str, list[Position]] = {}  # every account's position in a symbol
        # (account, lot_id) -> symbol, for every lot ever opened: a lot_id names one
        # security in its account, and a closed lot's id stays known for error messages.
        self._lot_symbols: dict[tuple[str, str], str] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> OpenLotStore:
        """Positions through ``memo`` (shared with the wash-sale books); the lot table holds
        only strings, so a shallow copy of it is a deep one."""
        twin = OpenLotStore()
        twin._positions = {
            key: copy.deepcopy(position, memo) for key, position in self._positions.items()
        }
        twin._by_symbol = {
            symbol: [memo[id(position)] for position in positions]
            for symbol, positions in self._by_symbol.items()
        }
        twin._lot_symbols = dict(self._lot_symbols)
        memo[id(self)] = twin
        return twin

    def position(self, account_id: str, symbol: str) -> Position | None:
        return self._positions.get((account_id, symbol))

    def symbol_of_lot(self, account_id: str, lot_id: str) -> str | None:
        """The symbol of a lot ever opened in the account (None for an unknown ``lot_id``)."""
        return self._lot_symbols.get((account_id, lot_id))

    def open_position(self, account_id: str, symbol: str) -> Position:
        """The account's position in ``symbol``, created empty on first use."""
        key = (account_id, symbol)
        position = self._positions.get(key)
        if position is None:
            position = self._positions[key] = Position()
            self._by_symbol.setdefault(symbol, []).append(position)
        return position

    def split(self, symbol: str, ratio: float) -> None:
        """A ``ratio``-for-1 split of ``symbol``: every account's shares multiply, each part
        keeping its total basis and dates (a split is a nontaxable stock dividend, IRC
        §305(a); the old shares' basis is spread over the new, §307(a), Treas. Reg.
        §1.307-1)."""
        for position in self._by_symbol.get(symbol, ()):
            position.split(ratio)

    def add(self, part: LotPart, position: Position, *, newest: bool = False) -> bool:
        """Add a part to its ``position`` (``open_position`` of its account and symbol), in
        share order; False (nothing added) when its ``lot_id`` already names a lot of another
        symbol in the account.

        ``newest``: the part sorts after every part held (a purchase on the replay's latest
        day, with the highest arrival number), so it is appended without a comparison.
        """
        symbol = part.symbol
        if self._lot_symbols.setdefault((part.account_id, part.lot_id), symbol) != symbol:
            return False
        parts = position.parts
        if newest or not parts or parts[-1].order < part.order:
            parts.append(part)
        else:  # a transferred-in lot bought long ago
            parts.insert(bisect.bisect_left(parts, part.order, key=_order_of), part)
        position.quantity += part.quantity
        return True

    @staticmethod
    def lot_parts(position: Position, lot_id: str) -> list[LotPart]:
        """The open parts of one lot in share order (empty when none are left)."""
        return [part for part in position.parts if part.lot_id == lot_id]

    def split_front(self, part: LotPart, quantity: float) -> LotPart:
        """Split the first ``quantity`` shares off a held ``part`` as a new part (basis and
        wash-sale adjustment split pro rata), keeping share order.
        """
        share = quantity / part.quantity
        basis = part.cost_basis * share
        adjustment = part.adjustment * share
        front = LotPart(
            part.account_id,
            part.symbol,
            part.lot_id,
            quantity,
            basis,
            part.purchase_day,
            part.acquired_day,
            part.seq,
            part.replaceable,
            adjustment,
        )
        # The front piece takes the part's place in share order; the rest moves just after.
        front.order = part.order
        part.order += 1
        part.quantity -= quantity
        part.cost_basis -= basis
        part.adjustment -= adjustment
        parts = self._positions[(part.account_id, part.symbol)].parts
        # Parts split here are replacement shares bought in the last 30 days (IRC §1091(a)),
        # so only the few parts bought since sit after them: look from the end.
        index = len(parts) - 1
        while parts[index] is not part:
            index -= 1
        parts.insert(index, front)
        return front

    def parts(self, account_id: str | None = None) -> Iterator[LotPart]:
        """Open parts (of one account, or all), grouped by position in first-seen order."""
        for (account, _symbol), position in self._positions.items():
            if account_id is None or account == account_id:
                yield from (part for part in position.parts if part.quantity > 0.0)
