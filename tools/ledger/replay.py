"""The replay loop: transactions in date order (file order within a date) into lots, cash,
disposals and wash sales.

Design for long histories: plain slotted objects, positions keyed by (account, symbol), and
one wash-sale book per (household, substantially-identical key) that only keeps the last 30
days, so each row costs a handful of dict look-ups whatever the length of the history.
"""

from __future__ import annotations

import copy
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from tools.collector import collector_paused
from tools.errors import DataValidationError
from tools.ledger.lots import LotPart, OpenLotStore, Position
from tools.ledger.relief import relief_order
from tools.ledger.results import Disposal, Ledger
from tools.ledger.washsale import KeyBook, WashSaleMatcher
from tools.models import Account, Lot, ReliefMethod, Security, Transaction
from tools.tolerances import LOSS_FLOOR, SHARE_EPSILON

TRANSACTIONS_FILE = "transactions.csv"
_by_date = operator.attrgetter("date")


def wash_key_of(symbol: str, securities: Mapping[str, Security] | None) -> str:
    """The key under which the wash-sale rule compares ``symbol`` (see ``Security.wash_key``)."""
    security = securities.get(symbol) if securities else None
    return security.wash_key if security is not None else f"symbol:{symbol}"


class LedgerEngine:
    """Replay state: open lots, cash, disposals and the wash-sale books of every household.

    ``short_rate``/``long_rate`` are the combined marginal rates ``min_tax`` relief ranks
    gains with; ``household_rates`` overrides them per household.
    """

    def __init__(
        self,
        accounts: Mapping[str, Account],
        securities: Mapping[str, Security] | None,
        short_rate: float,
        long_rate: float,
        household_rates: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        self.accounts = dict(accounts)
        self.securities = dict(securities) if securities else {}
        self._rate_args = (short_rate, long_rate, household_rates)
        self._rates = {
            account.account_id: (household_rates or {}).get(
                account.household_id, (short_rate, long_rate)
            )
            for account in self.accounts.values()
        }
        self.lots = OpenLotStore()
        self._ira_accounts = frozenset(
            a.account_id for a in self.accounts.values() if a.is_ira_type
        )
        self.matcher = WashSaleMatcher(self.lots, self._ira_accounts)
        self.disposals: list[Disposal] = []
        self.cash: dict[str, float] = dict.fromkeys(self.accounts, 0.0)
        self.last_day = 0
        self._next_seq = 0
        self._disposal_count = 0
        self._wash_keys: dict[str, str] = {}
        # (symbol, day) -> (ratio, row) of every split applied: rows posting it again are
        # the same company event
        self._splits: dict[tuple[str, int], tuple[float, int]] = {}
        # (account, symbol) -> its position and its household's wash-sale book: one look-up
        # per row finds both, and the symbol is checked against securities.csv only once.
        self._holdings: dict[tuple[str, str], tuple[Position, KeyBook]] = {}
        self._handlers: dict[str, Callable[[Transaction, str], LotPart | None]] = {
            "buy": self._buy,
            "reinvest": self._buy,
            "sell": self._sell,
            "split": self._split,
            "transfer_in": self._transfer_in,
            "deposit": self._cash_in,
            "dividend": self._cash_in,
            "withdraw": self._cash_out,
        }

    # -- public ------------------------------------------------------------------------

    def apply(self, txn: Transaction, source: str = TRANSACTIONS_FILE) -> LotPart | None:
        """Apply one row; ``source`` names the file (or list) rows come from in errors.

        Returns the part a ``buy``, ``reinvest`` or ``transfer_in`` opened (the remainder not
        consumed by waiting losses), else None.
        """
        day = txn.date.toordinal()
        if day < self.last_day:
            _out_of_order(source, txn)
        self.last_day = day
        if txn.account_id not in self.accounts:
            _unknown_account(source, txn)
        return self._handlers[txn.action](txn, source)

    def apply_all(
        self, transactions: Iterable[Transaction], source: str = TRANSACTIONS_FILE
    ) -> None:
        """Apply rows in date order (file order within a date), the garbage collector paused
        (the replay allocates millions of long-lived objects: see ``collector_paused``)."""
        with collector_paused(age_new_objects=True):
            self._apply_sorted(sorted(transactions, key=_by_date), source)

    def _apply_sorted(self, transactions: list[Transaction], source: str) -> None:
        """``apply`` for rows already in date order, with its checks in one loop: a call
        less per row on the replay's hot path."""
        accounts, handlers = self.accounts, self._handlers
        last_day = self.last_day
        for txn in transactions:
            day = txn.date.toordinal()
            if day != last_day:
                if day < last_day:
                    _out_of_order(source, txn)
                self.last_day = last_day = day
            if txn.account_id not in accounts:
                _unknown_account(source, txn)
            handlers[txn.action](txn, source)

    def fork(self) -> LedgerEngine:
        """An independent copy to simulate future rows on.

        The copy shares nothing mutable with this engine; its ``disposals`` and wash-sale
        matches start empty (the simulated ones only), while waiting losses carry copies of
        their disposals so later matches never touch this engine's records.
        """
        short_rate, long_rate, household_rates = self._rate_args
        twin = LedgerEngine(self.accounts, self.securities, short_rate, long_rate, household_rates)
        memo: dict[int, Any] = {}
        twin.lots = copy.deepcopy(self.lots, memo)
        twin.matcher = self.matcher.fork(twin.lots, memo)
        twin.cash = dict(self.cash)
        twin.last_day = self.last_day
        twin._next_seq = self._next_seq
        twin._disposal_count = self._disposal_count
        twin._splits = dict(self._splits)
        return twin

    def ledger(self, as_of: dt.date | None) -> Ledger:
        return Ledger(
            as_of=as_of,
            disposals=self.disposals,
            wash_sales=self.matcher.wash_sales,
            cash=self.cash,
            engine=self,
        )

    def open_lots(self, account_id: str | None = None) -> list[Lot]:
        return [part.to_lot() for part in self.open_parts(account_id)]

    def open_parts(self, account_id: str | None = None) -> list[LotPart]:
        """The parts behind ``open_lots``, same order, without building pydantic models."""
        order = {account: index for index, account in enumerate(self.accounts)}
        return sorted(
            self.lots.parts(account_id), key=lambda part: (order[part.account_id], part.symbol)
        )

    def household_of(self, account_id: str) -> str:
        return self.accounts[account_id].household_id

    def wash_key(self, symbol: str) -> str:
        key = self._wash_keys.get(symbol)
        if key is None:
            key = self._wash_keys[symbol] = wash_key_of(symbol, self.securities)
        return key

    # -- actions -----------------------------------------------------------------------

    def _buy(self, txn: Transaction, source: str) -> LotPart:
        symbol, quantity, price = txn.symbol, txn.quantity, txn.price
        if not symbol or not quantity > 0.0 or price is None or not price >= 0.0:
            self._reject_trade(txn, source)
        account_id = txn.account_id
        position, book = self._holdings.get((account_id, symbol)) or self._new_holding(txn, source)
        cost = quantity * price + txn.fees  # purchase fees are part of the cost basis
        day = self.last_day
        part = LotPart(
            account_id,
            symbol,
            txn.lot_id or f"row-{txn.row}",
            quantity,
            cost,
            day,  # purchase_day
            day,  # acquired_day
            self._next_seq + 1,
            True,  # replaceable: a purchase
        )
        if not self.lots.add(part, position, newest=True):
            self._reject_lot_id(part, txn, source)
        self._next_seq = part.seq
        self.cash[account_id] -= cost
        self.matcher.on_acquisition(book, part)
        return part

    def _transfer_in(self, txn: Transaction, source: str) -> LotPart:
        """An existing lot arrives; it is not an acquisition for IRC §1091 (no purchase).

        Its purchase date is taken as its ``acquired_date`` (the original trade date the
        delivering custodian reports), so first-in-first-out relief treats it by age.
        """
        symbol = self._symbol(txn, source)
        quantity = _positive(txn, source, txn.quantity, "quantity")
        if txn.acquired_date is None:
            _fail(source, txn, "acquired_date", "a transfer_in needs the lot's acquired_date")
        if txn.acquired_date > txn.date:
            _fail(source, txn, "acquired_date", "acquired_date is after the transfer date")
        if txn.cost_basis is None or txn.cost_basis < 0.0:
            _fail(source, txn, "cost_basis", "a transfer_in needs the lot's total cost_basis")
        acquired = txn.acquired_date.toordinal()
        part = LotPart(
            txn.account_id,
            symbol,
            txn.lot_id or f"row-{txn.row}",
            quantity,
            txn.cost_basis,
            purchase_day=acquired,
            acquired_day=acquired,
            seq=self._next_seq + 1,
            replaceable=False,
        )
        position, _book = self._holdings.get((txn.account_id, symbol)) or self._new_holding(
            txn, source
        )
        if not self.lots.add(part, position):
            self._reject_lot_id(part, txn, source)
        self._next_seq = part.seq
        self.cash[txn.account_id] -= txn.fees
        return part

    def _sell(self, txn: Transaction, source: str) -> None:
        symbol, quantity, price = txn.symbol, txn.quantity, txn.price
        if not symbol or not quantity > 0.0 or price is None or not price >= 0.0:
            self._reject_trade(txn, source)
        account = self.accounts[txn.account_id]
        position, book = self._holdings.get((account.account_id, symbol)) or self._new_holding(
            txn, source
        )
        if not position.parts:
            _fail(
                source,
                txn,
                "quantity",
                f"account {txn.account_id} holds no shares of {symbol} on {txn.date}",
            )
        if txn.lot_id:
            candidates = self._lot_candidates(txn, source, position, symbol)
            held = 0.0
            for part in candidates:  # a plain loop: cheaper than sum() over a generator
                held += part.quantity
            method: ReliefMethod = "fifo"  # specific identification; inside the lot, share order
        elif account.relief_method == "specific":
            _fail(
                source,
                txn,
                "lot_id",
                f"account {txn.account_id} uses specific identification: name the lot_id",
            )
        else:
            candidates = position.parts
            held = position.quantity
            method = account.relief_method
        if quantity > held + SHARE_EPSILON:
            what = f"lot {txn.lot_id!r}" if txn.lot_id else f"account {txn.account_id}"
            _fail(
                source,
                txn,
                "quantity",
                f"sells {quantity:g} shares of {symbol} but {what} holds {held:g}",
            )
        if method == "fifo":
            ordered = candidates
        else:
            short_rate, long_rate = self._rates[txn.account_id]
            ordered = relief_order(
                candidates, method, price, self.last_day, short_rate=short_rate, long_rate=long_rate
            )
        closed = self._relieve(txn, account, book, ordered, price, symbol=symbol)
        position.relieved(quantity, closed, ordered is position.parts)
        self.cash[txn.account_id] += quantity * price - txn.fees

    def _relieve(
        self,
        txn: Transaction,
        account: Account,
        book: KeyBook,
        ordered: list[LotPart],
        price: float,
        *,
        symbol: str,
    ) -> list[LotPart]:
        """Close ``txn.quantity`` shares taken from ``ordered`` front to back (a part left with
        only rounding dust goes whole), then match the losses in disposal order.

        Returns the parts the sale closed.
        """
        day, row = self.last_day, txn.row
        remaining = txn.quantity
        net_price = price - txn.fees / remaining  # the sale's fees reduce proceeds per share
        account_id = account.account_id
        taxable = account_id not in self._ira_accounts
        disposals = self.disposals
        count = self._disposal_count
        losses: list[Disposal] = []
        closed: list[LotPart] = []
        for part in ordered:
            if remaining <= SHARE_EPSILON:
                break
            held = part.quantity
            if held - remaining <= SHARE_EPSILON:
                take = held
                basis = part.cost_basis
                part.quantity = 0.0  # closed: dropped from the position and wash-sale books
                closed.append(part)
            else:
                take = remaining
                share = take / held
                basis = part.cost_basis * share
                part.cost_basis -= basis
                part.adjustment -= part.adjustment * share
                part.quantity = held - take
            remaining -= take
            count += 1
            proceeds = take * net_price
            disposal = Disposal(  # positional: the hot path of the replay (field order)
                account_id,
                symbol,
                part.lot_id,
                take,
                part.purchase_day,
                part.acquired_day,
                day,
                proceeds,
                basis,
                row,
                taxable,
                count,
            )
            disposals.append(disposal)
            # A loss of at least a cent (``tools.tolerances.is_loss``, inlined): a sale at
            # its basis is no loss, whatever float dust the pro-rata basis carries, and IRC
            # §1091 disallows only losses.
            if basis - proceeds >= LOSS_FLOOR:
                losses.append(disposal)
        self._disposal_count = count
        if losses and taxable:
            # Only here: gains and losses inside an IRA-type account are not recognized, so
            # there is no loss for IRC §1091 to disallow and nothing to match.
            self.matcher.on_losses(book, losses)
        return closed

    def _split(self, txn: Transaction, source: str) -> None:
        """A ``ratio``-for-1 split: more shares, same total basis, same dates.

        A split is the company's event, not the account's: the first row of a (symbol,
        date) splits every account's shares and every waiting loss of the symbol, whichever
        accounts post it (a custodian posts no row in an account it emptied); later rows of
        the same symbol, date and ratio are the same event. Two ratios on one date are a
        data error.
        """
        symbol = self._symbol(txn, source)
        ratio = _positive(txn, source, txn.quantity, "quantity")
        event = (symbol, self.last_day)
        posted = self._splits.get(event)
        if posted is None:
            self._splits[event] = (ratio, txn.row)
            self.lots.split(symbol, ratio)
            self.matcher.on_split(symbol, self.wash_key(symbol), ratio)
        elif posted[0] != ratio:
            first_ratio, first_row = posted
            _fail(
                source,
                txn,
                "quantity",
                f"split of {symbol} on {txn.date} with ratio {ratio:g} conflicts with row "
                f"{first_row}'s ratio {first_ratio:g}: one company split has one ratio",
            )
        self.cash[txn.account_id] -= txn.fees

    def _cash_in(self, txn: Transaction, source: str) -> None:
        self.cash[txn.account_id] += _not_negative(txn, source) - txn.fees

    def _cash_out(self, txn: Transaction, source: str) -> None:
        self.cash[txn.account_id] -= _not_negative(txn, source) + txn.fees

    # -- helpers -----------------------------------------------------------------------

    def _reject_lot_id(self, part: LotPart, txn: Transaction, source: str) -> NoReturn:
        known_symbol = self.lots.symbol_of_lot(part.account_id, part.lot_id)
        message = f"lot {part.lot_id!r} is a lot of {known_symbol}, not {part.symbol}"
        _fail(source, txn, "lot_id", message)

    def _new_holding(self, txn: Transaction, source: str) -> tuple[Position, KeyBook]:
        """The first row of an (account, symbol): check the symbol, then open its empty
        position and find the wash-sale book of the household for the symbol's identical key."""
        account_id, symbol = txn.account_id, self._symbol(txn, source)
        holding = (
            self.lots.open_position(account_id, symbol),
            self.matcher.book(self.household_of(account_id), self.wash_key(symbol)),
        )
        self._holdings[(account_id, symbol)] = holding
        return holding

    def _symbol(self, txn: Transaction, source: str) -> str:
        symbol = txn.symbol
        if not symbol:
            _fail(source, txn, "symbol", f"a {txn.action} needs a symbol")
        if self.securities and symbol not in self.securities:
            _fail(source, txn, "symbol", f"unknown symbol {symbol!r}")
        return symbol

    def _reject_trade(self, txn: Transaction, source: str) -> NoReturn:
        """Name the cell that makes a buy, reinvest or sell row invalid."""
        self._symbol(txn, source)
        _positive(txn, source, txn.quantity, "quantity")
        _fail(source, txn, "price", f"a {txn.action} needs a price of 0 or more")

    def _lot_candidates(
        self, txn: Transaction, source: str, position: Position, symbol: str
    ) -> list[LotPart]:
        lot_id = txn.lot_id or ""
        candidates = self.lots.lot_parts(position, lot_id)
        if candidates:
            return candidates
        known_symbol = self.lots.symbol_of_lot(txn.account_id, lot_id)
        if known_symbol is None:
            _fail(
                source, txn, "lot_id", f"lot {lot_id!r} does not exist in account {txn.account_id}"
            )
        if known_symbol != symbol:
            _fail(source, txn, "lot_id", f"lot {lot_id!r} is a lot of {known_symbol}, not {symbol}")
        _fail(source, txn, "quantity", f"lot {lot_id!r} has no open shares left on {txn.date}")


def _positive(txn: Transaction, source: str, value: float, column: str) -> float:
    if not value > 0.0:
        _fail(source, txn, column, f"{column} must be positive, got {value:g}")
    return value


def _not_negative(txn: Transaction, source: str) -> float:
    if txn.quantity < 0.0:
        _fail(source, txn, "quantity", f"a {txn.action} amount cannot be negative")
    return txn.quantity


def _out_of_order(source: str, txn: Transaction) -> NoReturn:
    raise ValueError(f"{source} row {txn.row}: transactions must be applied in date order")


def _unknown_account(source: str, txn: Transaction) -> NoReturn:
    _fail(source, txn, "account_id", f"unknown account {txn.account_id!r}")


def _fail(source: str, txn: Transaction, column: str, message: str) -> NoReturn:
    raise DataValidationError.single(source, txn.row, column, message)


def replay_ledger(
    transactions: Iterable[Transaction],
    accounts: Mapping[str, Account],
    securities: Mapping[str, Security] | None,
    short_rate: float,
    long_rate: float,
    *,
    as_of: dt.date | None = None,
    household_rates: Mapping[str, tuple[float, float]] | None = None,
) -> Ledger:
    """Replay every transaction dated on or before ``as_of`` (all when None) into a ledger."""
    engine = LedgerEngine(accounts, securities, short_rate, long_rate, household_rates)
    rows = transactions if as_of is None else (t for t in transactions if t.date <= as_of)
    engine.apply_all(rows)
    return engine.ledger(as_of)
