"""Household wash-sale matching (IRC §1091, Treas. Reg. §1.1091-1, Rev. Rul. 2008-5).

One book per (household, substantially-identical key) holds the acquisitions of the last
30 days that can still serve as replacements (spent ones are dropped lazily, so readers
check the window), and the losses of the last 30 days not yet fully matched. The replay is
chronological, so:

- a loss sale first takes held replacement shares bought in [sale - 30, sale], in the
  order they were acquired (Treas. Reg. §1.1091-1(c)-(d));
- what is left waits in the book, and each later purchase within 30 days washes the
  waiting losses in the order of disposal (§1.1091-1(b)).

Together this is the matching the regulation describes: losses in the order of disposal,
replacement shares in the order of acquisition, each replacement share absorbing one loss
(§1.1091-1(e)).

Shares are counted economically. A split is a company event: it turns every waiting loss
share of the symbol into ``ratio`` shares carrying the loss between them, in every household,
whichever accounts posted it. Between two members of an identical group, one replacement
share stands for as many loss shares as the splits since the start of the history make it
worth (``loss_shares_per_share``): the members are taken as one-for-one before any split the
transactions record, and a 2-for-1 split of one class halves what each of its shares
replaces. §1091(a)-(b) and Treas. Reg. §1.1091-1(c)-(d) compare the amount of stock sold with
the amount acquired; after one class splits 2-for-1, two of its shares are the amount of
stock one share of the other class is, so counting share certificates one for one would
wash twice the loss the replacement stands for (or half, the other way round).
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterator
from typing import Any

from tools.ledger.holding import tacked_start
from tools.ledger.lots import LotPart, OpenLotStore
from tools.ledger.results import Disposal, WashSale
from tools.tolerances import SHARE_EPSILON

_new_tuple = tuple.__new__
WINDOW_DAYS = 30  # IRC §1091(a): 30 days before through 30 days after the sale, inclusive
# A purchase only appends to its book's acquisitions; spent ones are dropped when a loss reads
# them, or by a purchase once this many have gathered (which bounds a book without losses).
TRIM_AT = 32


class PendingLoss:
    """Loss shares of one disposal still waiting for replacement shares."""

    __slots__ = (
        "account_id",
        "disposal",
        "loss_per_share",
        "lot_id",
        "remaining",
        "sell_day",
        "sold_acquired_day",
        "symbol",
    )

    def __init__(self, disposal: Disposal) -> None:
        self.disposal = disposal
        self.account_id = disposal.account_id
        self.symbol = disposal.symbol
        self.lot_id = disposal.lot_id
        self.sell_day = disposal.sell_day
        self.sold_acquired_day = disposal.acquired_day
        self.remaining = disposal.quantity
        self.loss_per_share = (disposal.cost_basis - disposal.proceeds) / disposal.quantity


class KeyBook:
    """Acquisitions and waiting losses of one (household, substantially identical) key."""

    __slots__ = ("acquisitions", "losses")

    def __init__(self) -> None:
        self.acquisitions: deque[LotPart] = deque()  # replaceable parts, by acquisition
        self.losses: deque[PendingLoss] = deque()  # unmatched losses, by disposal


def _drop_spent(acquisitions: deque[LotPart], first_day: int) -> None:
    """Forget leading acquisitions bought before ``first_day`` or no longer replaceable.

    Replacement shares are taken oldest first and fifo sales close the oldest lots, so the
    spent entries gather at the front; the ones left in the middle are skipped when read.
    """
    while acquisitions:
        first = acquisitions[0]
        if first.purchase_day >= first_day and first.replaceable and first.quantity > 0.0:
            return
        acquisitions.popleft()


class WashSaleMatcher:
    """Matches loss shares to replacement shares across every account of a household."""

    def fork(self, lots: OpenLotStore, memo: dict[int, Any]) -> WashSaleMatcher:
        """A copy whose books point into ``lots`` (deep-copied with the same ``memo``).

        The copy starts a new list of matches: forks only need what their simulation adds.
        """
        twin = WashSaleMatcher(lots, self._ira_accounts)
        twin._books = copy.deepcopy(self._books, memo)
        twin._split_factors = dict(self._split_factors)
        return twin

    def __init__(self, lots: OpenLotStore, ira_accounts: frozenset[str]) -> None:
        self._lots = lots
        self._ira_accounts = ira_accounts
        self._books: dict[tuple[str, str], KeyBook] = {}
        # symbol -> product of its split ratios so far (absent: 1, no split)
        self._split_factors: dict[str, float] = {}
        self.wash_sales: list[WashSale] = []

    def book(self, household_id: str, wash_key: str) -> KeyBook:
        key = (household_id, wash_key)
        book = self._books.get(key)
        if book is None:
            book = self._books[key] = KeyBook()
        return book

    def on_acquisition(self, book: KeyBook, part: LotPart) -> None:
        """A purchase (``buy``/``reinvest``) washes losses sold up to 30 days before it."""
        day = part.purchase_day
        acquisitions = book.acquisitions
        if len(acquisitions) >= TRIM_AT:
            _drop_spent(acquisitions, day - WINDOW_DAYS)
        losses = book.losses
        while losses and (
            losses[0].sell_day < day - WINDOW_DAYS or losses[0].remaining <= SHARE_EPSILON
        ):
            losses.popleft()
        lot_id, account_id = part.lot_id, part.account_id
        for loss in losses:
            if not part.replaceable:
                break
            # Shares of the purchase the loss shares came from never replace them.
            if loss.remaining > SHARE_EPSILON and (
                loss.lot_id != lot_id or loss.account_id != account_id
            ):
                self._match(loss, part)
        if part.replaceable:
            acquisitions.append(part)

    def on_losses(self, book: KeyBook, disposals: list[Disposal]) -> None:
        """The loss disposals of one sale in a taxable account, in the order of disposal,
        take replacement shares held or bought later.

        Shares relieved by the same sale are already gone from the store, so they never
        replace each other.
        """
        acquisitions = book.acquisitions
        _drop_spent(acquisitions, disposals[0].sell_day - WINDOW_DAYS)
        for disposal in disposals:
            loss = PendingLoss(disposal)
            lot_id, account_id = loss.lot_id, loss.account_id
            for part in acquisitions:
                if loss.remaining <= SHARE_EPSILON:
                    break
                # Shares of the purchase the loss shares came from never replace them.
                if (
                    part.replaceable
                    and part.quantity > 0.0
                    and (part.lot_id != lot_id or part.account_id != account_id)
                ):
                    self._match(loss, part)
            if loss.remaining > SHARE_EPSILON:
                book.losses.append(loss)

    def on_split(self, symbol: str, wash_key: str, ratio: float) -> None:
        """A ``ratio``-for-1 split of ``symbol``, once for the whole ledger: waiting loss
        shares sold from it, in every account and household, become ``ratio`` times as many
        shares with the loss spread over them, so later purchases match in post-split shares.
        """
        self._split_factors[symbol] = self.split_factor(symbol) * ratio
        for (_household, key), book in self._books.items():
            if key != wash_key:
                continue
            for loss in book.losses:
                if loss.symbol == symbol:
                    loss.remaining *= ratio
                    loss.loss_per_share /= ratio

    def split_factor(self, symbol: str) -> float:
        """The product of the split ratios of ``symbol`` so far (1.0 before any split)."""
        return self._split_factors.get(symbol, 1.0)

    def loss_shares_per_share(self, loss_symbol: str, replacement_symbol: str) -> float:
        """How many loss shares of ``loss_symbol`` one share of ``replacement_symbol`` replaces:
        1 for the same symbol; between identical-group members, their split factors' ratio
        (economic shares, see the module docstring)."""
        if loss_symbol == replacement_symbol:
            return 1.0
        return self.split_factor(loss_symbol) / self.split_factor(replacement_symbol)

    def waiting_losses(self, household_id: str) -> Iterator[tuple[str, PendingLoss]]:
        """(wash_key, loss) for every loss of the household not yet fully matched."""
        for (household, wash_key), book in self._books.items():
            if household == household_id:
                for loss in book.losses:
                    if loss.remaining > SHARE_EPSILON:
                        yield wash_key, loss

    def held_acquisitions(self, household_id: str, wash_key: str) -> list[LotPart]:
        """Replaceable parts still held, in the order they were acquired."""
        book = self._books.get((household_id, wash_key))
        if book is None:
            return []
        return [part for part in book.acquisitions if part.replaceable and part.quantity > 0.0]

    def _match(self, loss: PendingLoss, part: LotPart) -> None:
        per_share = (
            1.0
            if loss.symbol == part.symbol
            else self.loss_shares_per_share(loss.symbol, part.symbol)
        )
        quantity = loss.remaining / per_share  # replacement shares the loss shares call for
        if part.quantity - quantity <= SHARE_EPSILON:
            quantity = part.quantity
            absorbing = part
        else:
            absorbing = self._lots.split_front(part, quantity)
        absorbing.replaceable = False
        loss_shares = quantity * per_share
        disallowed = loss_shares * loss.loss_per_share
        permanent = absorbing.account_id in self._ira_accounts
        if not permanent:
            # IRC §1091(d), Treas. Reg. §1.1091-2: the disallowed loss is added to the basis
            # of the replacement shares; IRC §1223(3): their holding period includes the
            # sold shares'. Rev. Rul. 2008-5: none of this for shares bought in an IRA.
            absorbing.cost_basis += disallowed
            absorbing.adjustment += disallowed
            absorbing.acquired_day = tacked_start(
                absorbing.acquired_day, loss.sold_acquired_day, loss.sell_day
            )
        remaining = loss.remaining - loss_shares
        loss.remaining = remaining if remaining > SHARE_EPSILON else 0.0
        loss.disposal.wash_sale_disallowed += disallowed
        self.wash_sales.append(
            _new_tuple(  # a WashSale without NamedTuple's Python-level __new__ (hot path)
                WashSale,
                (
                    loss.account_id,
                    loss.symbol,
                    loss.lot_id,
                    loss.disposal.seq,
                    loss.sell_day,
                    absorbing.account_id,
                    absorbing.symbol,
                    absorbing.lot_id,
                    absorbing.purchase_day,
                    quantity,
                    disallowed,
                    permanent,
                ),
            )
        )
