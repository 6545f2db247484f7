"""The engine against an independent, share-by-share reference of the wash-sale rules.

The reference below holds every share as its own unit (integer quantities) and applies the
rules literally, with no attempt at speed:

- a loss share of a taxable account takes the first held, not-yet-used share acquired by
  purchase in the household, substantially identical, bought in [sale - 30, sale], not of
  the purchase it came from (Treas. Reg. §1.1091-1(a), (c)-(e)); otherwise it waits;
- a purchased share takes the first waiting loss share (order of disposal) of the
  household sold in [purchase - 30, purchase], not of its own purchase (§1.1091-1(b));
- a matched share outside an IRA gets the loss added to its basis and its holding period
  moved back by the sold share's (IRC §1091(d), §1223(3)); inside one, nothing (Rev. Rul.
  2008-5);
- a split turns each share of the account's symbol, and each waiting loss share sold from
  it, into ``ratio`` shares dividing basis and loss.

Random histories over several accounts of one household (taxpayer, spouse, traditional
IRA, Roth) plus another household's account, with an identical group, must agree on every
disposal, every open share and the total loss disallowed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledger.builders import account, accounts, security
from tools.ledger import Ledger, replay_ledger
from tools.models import Transaction

WINDOW = 30
START = dt.date(2023, 1, 2).toordinal()
ACCOUNTS = accounts(
    account("T", relief="fifo"),
    account("S", owner="spouse", relief="fifo"),
    account("I", "traditional_ira"),
    account("R", "roth_ira"),
    account("Z", household="H2"),
)
SECURITIES = {"A": security("A", "g"), "B": security("B", "g"), "C": security("C")}
ACCOUNT_IDS = tuple(ACCOUNTS)
SYMBOLS = tuple(SECURITIES)
KINDS = (
    "buy",
    "buy",
    "buy",
    "reinvest",
    "sell",
    "sell",
    "sell_lot",
    "sell_lot",
    "split",
    "transfer_in",
)
MAX_SPLITS = 2


@dataclass
class Share:
    account: str
    symbol: str
    lot_id: str
    opened: int  # row of the purchase or transfer that opened it
    purchase: int
    acquired: int
    basis: float
    adjustment: float = 0.0
    usable: bool = True  # bought, and not yet the replacement of a loss


@dataclass
class SoldShare:
    row: int
    account: str
    lot_id: str
    acquired: int
    basis: float
    proceeds: float
    disallowed: float = 0.0


@dataclass
class WaitingLoss:
    sold: SoldShare
    amount: float
    sell_day: int
    account: str
    symbol: str
    done: bool = False


class Reference:
    def __init__(self) -> None:
        self.held: list[Share] = []
        self.sold: list[SoldShare] = []
        self.waiting: list[WaitingLoss] = []

    @staticmethod
    def household(account_id: str) -> str:
        return ACCOUNTS[account_id].household_id

    @staticmethod
    def ira(account_id: str) -> bool:
        return ACCOUNTS[account_id].is_ira_type

    @staticmethod
    def key(symbol: str) -> str:
        return SECURITIES[symbol].wash_key

    def position(self, account_id: str, symbol: str, lot_id: str | None = None) -> list[Share]:
        shares = [
            s
            for s in self.held
            if s.account == account_id
            and s.symbol == symbol
            and (lot_id is None or s.lot_id == lot_id)
        ]
        return sorted(shares, key=lambda s: (s.purchase, s.opened))

    def match(self, loss: WaitingLoss, sold_acquired: int, share: Share) -> None:
        share.usable = False
        loss.done = True
        loss.sold.disallowed += loss.amount
        if not self.ira(share.account):
            share.basis += loss.amount
            share.adjustment += loss.amount
            share.acquired -= loss.sell_day - sold_acquired

    def buy(
        self,
        row: int,
        today: int,
        account_id: str,
        symbol: str,
        *,
        quantity: int,
        price: float,
        lot_id: str,
    ) -> None:
        for _ in range(quantity):
            share = Share(account_id, symbol, lot_id, row, today, today, price)
            self.held.append(share)
            for loss in self.waiting:
                if (
                    not loss.done
                    and self.household(loss.account) == self.household(account_id)
                    and self.key(loss.symbol) == self.key(symbol)
                    and loss.sell_day >= today - WINDOW
                    and not (loss.account == account_id and loss.sold.lot_id == lot_id)
                ):
                    self.match(loss, loss.sold.acquired, share)
                    break

    def transfer_in(
        self,
        row: int,
        account_id: str,
        symbol: str,
        *,
        quantity: int,
        acquired: int,
        cost: float,
        lot_id: str,
    ) -> None:
        for _ in range(quantity):
            self.held.append(
                Share(
                    account_id,
                    symbol,
                    lot_id,
                    row,
                    acquired,
                    acquired,
                    cost / quantity,
                    usable=False,
                )
            )

    def sell(
        self,
        row: int,
        today: int,
        account_id: str,
        symbol: str,
        *,
        quantity: int,
        price: float,
        lot_id: str | None,
    ) -> None:
        taken = self.position(account_id, symbol, lot_id)[:quantity]
        assert len(taken) == quantity
        for share in taken:
            self.held.remove(share)
        for share in taken:
            sold = SoldShare(row, account_id, share.lot_id, share.acquired, share.basis, price)
            self.sold.append(sold)
            if self.ira(account_id) or share.basis <= price:
                continue
            loss = WaitingLoss(sold, share.basis - price, today, account_id, symbol)
            candidates = sorted(
                (
                    s
                    for s in self.held
                    if s.usable
                    and self.household(s.account) == self.household(account_id)
                    and self.key(s.symbol) == self.key(symbol)
                    and s.purchase >= today - WINDOW
                    and not (s.account == account_id and s.lot_id == share.lot_id)
                ),
                key=lambda s: s.opened,
            )
            if candidates:
                self.match(loss, share.acquired, candidates[0])
            else:
                self.waiting.append(loss)

    def split(self, account_id: str, symbol: str, ratio: int) -> None:
        held: list[Share] = []
        for share in self.held:
            if share.account == account_id and share.symbol == symbol:
                held.extend(
                    Share(
                        share.account,
                        share.symbol,
                        share.lot_id,
                        share.opened,
                        share.purchase,
                        share.acquired,
                        share.basis / ratio,
                        share.adjustment / ratio,
                        share.usable,
                    )
                    for _ in range(ratio)
                )
            else:
                held.append(share)
        self.held = held
        waiting: list[WaitingLoss] = []
        for loss in self.waiting:
            if not loss.done and loss.account == account_id and loss.symbol == symbol:
                waiting.extend(
                    WaitingLoss(
                        loss.sold, loss.amount / ratio, loss.sell_day, loss.account, loss.symbol
                    )
                    for _ in range(ratio)
                )
            else:
                waiting.append(loss)
        self.waiting = waiting


Op = tuple[int, str, int, int, int, int, int]

# Each row is drawn as OP_BYTES random bytes, decoded field by field: far cheaper for
# hypothesis than a tuple of strategies, uniform over every field, and it still shrinks
# towards short histories of zero bytes.
OP_BYTES = 8


def decode_ops(raw: bytes) -> list[Op]:
    ops = []
    for start in range(0, len(raw) - OP_BYTES + 1, OP_BYTES):
        gap, kind, account_index, symbol_index, quantity, price, *pick = raw[start : start + 8]
        ops.append(
            (
                gap % 13,  # days since the previous row
                KINDS[kind % len(KINDS)],
                account_index % len(ACCOUNT_IDS),
                symbol_index % len(SYMBOLS),
                1 + quantity % 8,
                1 + price % 20,
                int.from_bytes(bytes(pick), "big"),  # which lot, split ratio, age of a transfer
            )
        )
    return ops


def build_history(ops: list[Op]) -> tuple[list[Transaction], Reference]:
    """Turn random draws into valid rows, applying each to the reference as it goes."""
    reference = Reference()
    rows: list[Transaction] = []
    today = START
    splits = 0

    def add(**fields: object) -> int:
        row = len(rows) + 1
        rows.append(Transaction(row=row, date=dt.date.fromordinal(today), **fields))
        return row

    for gap, kind, account_index, symbol_index, quantity, price, pick in ops:
        today += gap
        account_id, symbol = ACCOUNT_IDS[account_index], SYMBOLS[symbol_index]
        if kind in ("buy", "reinvest"):
            row = add(
                account_id=account_id,
                action=kind,
                symbol=symbol,
                quantity=quantity,
                price=float(price),
            )
            reference.buy(
                row,
                today,
                account_id,
                symbol,
                quantity=quantity,
                price=float(price),
                lot_id=f"row-{row}",
            )
        elif kind == "transfer_in":
            acquired = today - pick % 900
            row = add(
                account_id=account_id,
                action="transfer_in",
                symbol=symbol,
                quantity=quantity,
                acquired_date=dt.date.fromordinal(acquired),
                cost_basis=float(price * quantity),
            )
            reference.transfer_in(
                row,
                account_id,
                symbol,
                quantity=quantity,
                acquired=acquired,
                cost=float(price * quantity),
                lot_id=f"row-{row}",
            )
        elif kind == "split":
            if splits == MAX_SPLITS:
                continue
            splits += 1
            ratio = 2 + pick % 2
            for holder in ACCOUNT_IDS:  # a corporate action reaches every account
                add(account_id=holder, action="split", symbol=symbol, quantity=ratio)
                reference.split(holder, symbol, ratio)
        else:
            positions = sorted({(s.account, s.symbol) for s in reference.held})
            if not positions:
                continue
            account_id, symbol = positions[(account_index * 3 + symbol_index) % len(positions)]
            held = reference.position(account_id, symbol)
            lot_id = None
            if kind == "sell_lot":
                lot_ids = sorted({share.lot_id for share in held})
                lot_id = lot_ids[pick % len(lot_ids)]
                held = reference.position(account_id, symbol, lot_id)
            sold = min(quantity, len(held))
            row = add(
                account_id=account_id,
                action="sell",
                symbol=symbol,
                quantity=sold,
                price=float(price),
                lot_id=lot_id,
            )
            reference.sell(
                row, today, account_id, symbol, quantity=sold, price=float(price), lot_id=lot_id
            )
    return rows, reference


def _engine_disposals(ledger: Ledger) -> dict[tuple, list[float]]:
    grouped: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for d in ledger.disposals:
        totals = grouped[(d.row, d.account_id, d.lot_id, d.acquired_date.toordinal())]
        for index, value in enumerate(
            (d.quantity, d.cost_basis, d.proceeds, d.wash_sale_disallowed)
        ):
            totals[index] += value
    return grouped


def _reference_disposals(reference: Reference) -> dict[tuple, list[float]]:
    grouped: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for s in reference.sold:
        totals = grouped[(s.row, s.account, s.lot_id, s.acquired)]
        for index, value in enumerate((1.0, s.basis, s.proceeds, s.disallowed)):
            totals[index] += value
    return grouped


def _engine_open(ledger: Ledger) -> dict[tuple, list[float]]:
    grouped: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for lot in ledger.open_lots():
        key = (
            lot.account_id,
            lot.symbol,
            lot.lot_id,
            lot.purchase_date.toordinal(),
            lot.acquired_date.toordinal(),
        )
        for index, value in enumerate((lot.quantity, lot.cost_basis, lot.wash_sale_adjustment)):
            grouped[key][index] += value
    return grouped


def _reference_open(reference: Reference) -> dict[tuple, list[float]]:
    grouped: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for s in reference.held:
        key = (s.account, s.symbol, s.lot_id, s.purchase, s.acquired)
        for index, value in enumerate((1.0, s.basis, s.adjustment)):
            grouped[key][index] += value
    return grouped


def _assert_same(engine: dict[tuple, list[float]], reference: dict[tuple, list[float]]) -> None:
    assert set(engine) == set(reference)
    for key, totals in reference.items():
        assert all(
            math.isclose(a, b, abs_tol=1e-6) for a, b in zip(engine[key], totals, strict=True)
        ), key


def check_against_reference(ops: list[Op]) -> None:
    rows, reference = build_history(ops)
    ledger = replay_ledger(rows, ACCOUNTS, SECURITIES, 0.4, 0.2)
    _assert_same(_engine_disposals(ledger), _reference_disposals(reference))
    _assert_same(_engine_open(ledger), _reference_open(reference))
    expected_total = sum(s.disallowed for s in reference.sold)
    assert ledger.total_disallowed() == pytest.approx(expected_total, abs=1e-6)
    assert sum(w.disallowed for w in ledger.wash_sales) == pytest.approx(expected_total, abs=1e-6)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.binary(min_size=OP_BYTES * 8, max_size=OP_BYTES * 40))
def test_engine_matches_share_by_share_reference(raw: bytes) -> None:
    check_against_reference(decode_ops(raw))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.binary(min_size=OP_BYTES * 10, max_size=OP_BYTES * 60))
def test_engine_matches_reference_on_dense_trading(raw: bytes) -> None:
    """Rows at most 3 days apart: most sales fall inside several overlapping windows."""
    check_against_reference([(gap % 4, *rest) for gap, *rest in decode_ops(raw)])


def test_reference_sees_wash_sales_so_the_comparison_is_not_vacuous() -> None:
    ops: list[Op] = [
        (0, "buy", 0, 0, 5, 10, 0),
        (40, "sell", 0, 0, 5, 8, 0),
        (3, "buy", 1, 1, 3, 8, 0),
        (2, "buy", 2, 0, 4, 8, 0),
    ]
    _rows, reference = build_history(ops)
    assert sum(s.disallowed for s in reference.sold) == pytest.approx(10.0)
    check_against_reference(ops)
