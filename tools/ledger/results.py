"""Typed results of the replay: disposals, wash-sale matches and the ledger itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from tools.ledger.holding import Term, date_of, term_of
from tools.models import Lot
from tools.tolerances import is_loss

if TYPE_CHECKING:
    from tools.ledger.lots import LotPart
    from tools.ledger.replay import LedgerEngine


@dataclass(slots=True)
class Disposal:
    """Shares of one lot part relieved by one sale.

    ``wash_sale_disallowed`` grows after the sale when a purchase up to 30 days later washes
    the loss (IRC §1091(a)); treat the record as read-only outside the engine.
    """

    account_id: str
    symbol: str
    lot_id: str
    quantity: float
    purchase_day: int  # dates as ordinals (the ``*_date`` properties give dates)
    acquired_day: int  # holding-period start after tacking, IRC §1223(3)
    sell_day: int
    proceeds: float  # net of the sale's fees, allocated by quantity
    cost_basis: float  # includes wash-sale adjustments carried by the shares
    row: int  # data row of the sale in its source
    taxable: bool  # False in IRA-type accounts, where gains and losses are not recognized
    seq: int  # order of disposal (1-based), unique within a replay and its forks
    wash_sale_disallowed: float = 0.0

    @property
    def purchase_date(self) -> dt.date:
        return date_of(self.purchase_day)

    @property
    def acquired_date(self) -> dt.date:
        return date_of(self.acquired_day)

    @property
    def sell_date(self) -> dt.date:
        return date_of(self.sell_day)

    @property
    def term(self) -> Term:
        """Short or long, from the holding period after tacking (read when asked: the replay
        makes millions of disposals)."""
        return term_of(self.acquired_day, self.sell_day)

    @property
    def gain(self) -> float:
        """Reportable gain (Form 8949 column h): proceeds - basis + disallowed loss."""
        return self.proceeds - self.cost_basis + self.wash_sale_disallowed

    @property
    def loss(self) -> float:
        """The economic loss before any disallowance: 0 for a gain or a sale at its basis
        (a loss is at least a cent, ``tools.tolerances.is_loss``)."""
        if is_loss(self.cost_basis, self.proceeds):
            return self.cost_basis - self.proceeds
        return 0.0


class WashSale(NamedTuple):
    """Loss shares matched share for share with replacement shares (Treas. Reg. §1.1091-1(c)-(d)).

    ``quantity`` counts replacement shares; ``permanent`` is true when they were bought in an
    IRA-type account, so the loss is lost and no basis is added (Rev. Rul. 2008-5).
    """

    loss_account_id: str
    loss_symbol: str
    loss_lot_id: str
    loss_seq: int  # ``Disposal.seq`` of the loss shares
    sell_day: int  # ordinal (``sell_date`` gives the date)
    replacement_account_id: str
    replacement_symbol: str
    replacement_lot_id: str
    replacement_day: int  # ordinal of the replacement's purchase (``replacement_date``)
    quantity: float
    disallowed: float
    permanent: bool

    @property
    def sell_date(self) -> dt.date:
        return date_of(self.sell_day)

    @property
    def replacement_date(self) -> dt.date:
        return date_of(self.replacement_day)


@dataclass(frozen=True, eq=False)
class Ledger:
    """The household books as of ``as_of``.

    ``engine`` is the replay state the ledger was read from; the forward-looking questions
    continue it on a copy. Do not apply more transactions to it.
    """

    as_of: dt.date | None  # the cut-off of the replay (None: every transaction)
    disposals: list[Disposal]  # in the order of disposal
    wash_sales: list[WashSale]  # in the order the matches were made
    cash: dict[str, float]  # by account_id: the sum of the account's cash movements
    engine: LedgerEngine

    def open_lots(self, account_id: str | None = None) -> list[Lot]:
        """Open lots (one entry per homogeneous part), accounts in file order, share order."""
        return self.engine.open_lots(account_id)

    def open_parts(self, account_id: str | None = None) -> list[LotPart]:
        """The open lots as the engine's own parts, in ``open_lots`` order: many times cheaper
        when a caller needs only a few fields (``quantity``, ``cost_basis``, ``adjustment``,
        ``purchase_day``/``acquired_day`` ordinals). Read-only: they are the live lot state.
        """
        return self.engine.open_parts(account_id)

    def total_disallowed(self) -> float:
        return sum(disposal.wash_sale_disallowed for disposal in self.disposals)
