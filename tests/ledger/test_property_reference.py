"""The engine against an independent, share-by-share reference of the wash-sale rules.

The reference below holds every tenth of a share as its own unit (reinvestments buy
fractional shares) and keeps money in ``Decimal`` (28 significant digits: exact for cents, and far
finer than float for the thirds a 3-for-1 split makes), so it cannot share the engine's float
mistakes. It applies the rules literally, with no attempt at speed:

- a loss is a loss of at least one cent: the units one sale takes from one lot at one basis
  and holding period lose at least half a cent between them, else none of them is a loss
  share (IRC §1091 disallows losses only; a sale at its basis washes nothing);
- a loss unit of a taxable account takes the first held, not-yet-used unit acquired by
  purchase in the household, substantially identical, bought in [sale - 30, sale], not of
  the purchase it came from (Treas. Reg. §1.1091-1(a), (c)-(e)); otherwise it waits;
- a purchased unit takes the first waiting loss unit (order of disposal) of the household
  sold in [purchase - 30, purchase], not of its own purchase (§1.1091-1(b));
- a matched unit outside an IRA gets the loss added to its basis and its holding period
  moved back by the sold unit's (IRC §1091(d), §1223(3)); inside one, nothing (Rev. Rul.
  2008-5);
- a split is the company's: once per symbol and date, whichever accounts post a row, it
  turns each unit of the symbol in every account, and each waiting loss unit sold from it,
  into ``ratio`` units dividing basis and loss.

Random histories over several accounts of one household (taxpayer, spouse, traditional
IRA, Roth) plus another household's account, with an identical group, must agree on every
disposal, every open share and the total loss disallowed. Sales at exactly the basis per
share, fractional reinvestments and splits posted in some accounts only are drawn often.
Splits are drawn for the symbol outside the identical group only: between group members
that split differently a replacement unit stands for a fraction of a loss unit, which a
unit-by-unit reference cannot express (``test_split_events`` covers that rule).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledger.builders import account, accounts, security
from tools.ledger import Ledger, replay_ledger
from tools.ledger import replay as replay_module
from tools.ledger.washsale import WashSaleMatcher
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
SPLIT_SYMBOL = "C"
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
HOUSEHOLDS = {account_id: item.household_id for account_id, item in ACCOUNTS.items()}
WASH_KEYS = {symbol: item.wash_key for symbol, item in SECURITIES.items()}
UNITS_PER_SHARE = 10  # the reference's unit: a tenth of a share
HALF_CENT = Decimal("0.005")  # a loss rounds to at least one cent


@dataclass(eq=False)  # one object per unit: equal only to itself
class Share:
    """One unit (a tenth of a share at the current split level); money per unit."""

    account: str
    symbol: str
    lot_id: str
    opened: int  # row of the purchase or transfer that opened it
    purchase: int
    acquired: int
    basis: Decimal
    adjustment: Decimal = Decimal(0)
    usable: bool = True  # bought, and not yet the replacement of a loss


@dataclass(eq=False)
class SoldShare:
    row: int
    account: str
    lot_id: str
    acquired: int
    basis: Decimal
    proceeds: Decimal
    disallowed: Decimal = Decimal(0)


@dataclass(eq=False)
class WaitingLoss:
    sold: SoldShare
    amount: Decimal
    sell_day: int
    account: str
    symbol: str
    done: bool = False


class Reference:
    def __init__(self) -> None:
        self.held: list[Share] = []
        self.sold: list[SoldShare] = []
        self.waiting: list[WaitingLoss] = []
        self.splits: dict[tuple[str, int], int] = {}  # (symbol, day) -> ratio

    @staticmethod
    def household(account_id: str) -> str:
        return HOUSEHOLDS[account_id]

    @staticmethod
    def ira(account_id: str) -> bool:
        return ACCOUNTS[account_id].is_ira_type

    @staticmethod
    def key(symbol: str) -> str:
        return WASH_KEYS[symbol]

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
        units: int,
        price: Decimal,
        lot_id: str,
    ) -> None:
        self.waiting = [loss for loss in self.waiting if not loss.done]
        for _ in range(units):
            share = Share(account_id, symbol, lot_id, row, today, today, price / UNITS_PER_SHARE)
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
        units: int,
        acquired: int,
        cost: Decimal,
        lot_id: str,
    ) -> None:
        for _ in range(units):
            self.held.append(
                Share(
                    account_id, symbol, lot_id, row, acquired, acquired, cost / units, usable=False
                )
            )

    def sell(
        self,
        row: int,
        today: int,
        account_id: str,
        symbol: str,
        *,
        units: int,
        price: Decimal,
        lot_id: str | None,
    ) -> None:
        taken = self.position(account_id, symbol, lot_id)[:units]
        assert len(taken) == units
        gone = {id(share) for share in taken}
        self.held = [share for share in self.held if id(share) not in gone]
        # Units that could replace a loss of this sale, in order of acquisition (each loss
        # unit below skips those already used and those of its own purchase).
        candidates = sorted(
            (
                s
                for s in self.held
                if s.usable
                and self.household(s.account) == self.household(account_id)
                and self.key(s.symbol) == self.key(symbol)
                and s.purchase >= today - WINDOW
            ),
            key=lambda s: s.opened,
        )
        proceeds = price / UNITS_PER_SHARE
        # The units of one lot at one basis, holding period and status: one disposal.
        lost: dict[tuple, Decimal] = defaultdict(Decimal)
        for share in taken:
            lost[_block(share)] += share.basis - proceeds
        for share in taken:
            sold = SoldShare(row, account_id, share.lot_id, share.acquired, share.basis, proceeds)
            self.sold.append(sold)
            if self.ira(account_id) or lost[_block(share)] < HALF_CENT:
                continue
            loss = WaitingLoss(sold, share.basis - proceeds, today, account_id, symbol)
            replacement = next(
                (
                    s
                    for s in candidates
                    if s.usable and not (s.account == account_id and s.lot_id == share.lot_id)
                ),
                None,
            )
            if replacement is not None:
                self.match(loss, share.acquired, replacement)
            else:
                self.waiting.append(loss)

    def split(self, today: int, symbol: str, ratio: int) -> None:
        """A row of a company split: the first row of the day splits every account."""
        if (symbol, today) in self.splits:
            return
        self.splits[(symbol, today)] = ratio
        held: list[Share] = []
        for share in self.held:
            if share.symbol == symbol:
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
            if not loss.done and loss.symbol == symbol:
                waiting.extend(
                    WaitingLoss(
                        loss.sold, loss.amount / ratio, loss.sell_day, loss.account, loss.symbol
                    )
                    for _ in range(ratio)
                )
            else:
                waiting.append(loss)
        self.waiting = waiting


def _block(share: Share) -> tuple:
    return (share.lot_id, share.basis, share.acquired, share.purchase, share.usable)


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
    """Turn random draws into valid rows, applying each to the reference as it goes.

    ``pick`` (two bytes) chooses the lot of a named sale, the age of a transfer, a split's
    ratio and posting accounts, the tenths of a reinvestment or of a sale, and whether a sale
    is at exactly the basis per share of the first unit it takes.
    """
    reference = Reference()
    rows: list[Transaction] = []
    today = START
    splits = 0

    def add(**fields: object) -> int:
        row = len(rows) + 1
        rows.append(
            Transaction.model_validate({"row": row, "date": dt.date.fromordinal(today), **fields})
        )
        return row

    for gap, kind, account_index, symbol_index, quantity, price, pick in ops:
        today += gap
        account_id, symbol = ACCOUNT_IDS[account_index], SYMBOLS[symbol_index]
        if kind in ("buy", "reinvest"):
            # Reinvestments buy fractional shares: 0.1 to 2.5.
            units = 1 + pick % 25 if kind == "reinvest" else quantity * UNITS_PER_SHARE
            row = add(
                account_id=account_id,
                action=kind,
                symbol=symbol,
                quantity=units / UNITS_PER_SHARE,
                price=float(price),
            )
            reference.buy(
                row,
                today,
                account_id,
                symbol,
                units=units,
                price=Decimal(price),
                lot_id=f"row-{row}",
            )
        elif kind == "transfer_in":
            acquired = today - pick % 900
            row = add(
                account_id=account_id,
                action="transfer_in",
                symbol=symbol,
                quantity=float(quantity),
                acquired_date=dt.date.fromordinal(acquired),
                cost_basis=float(price * quantity),
            )
            reference.transfer_in(
                row,
                account_id,
                symbol,
                units=quantity * UNITS_PER_SHARE,
                acquired=acquired,
                cost=Decimal(price * quantity),
                lot_id=f"row-{row}",
            )
        elif kind == "split":
            ratio = reference.splits.get((SPLIT_SYMBOL, today))  # posted again: same event
            if ratio is None:
                if splits == MAX_SPLITS:
                    continue
                splits += 1
                ratio = 2 + pick % 2
            # Custodians post a split only in some accounts (none in an account they emptied),
            # sometimes twice; the company's split is one event all the same.
            posting = [holder for bit, holder in enumerate(ACCOUNT_IDS) if pick >> (bit + 1) & 1]
            for holder in posting or [account_id]:
                add(account_id=holder, action="split", symbol=SPLIT_SYMBOL, quantity=ratio)
                reference.split(today, SPLIT_SYMBOL, ratio)
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
            units = min(quantity * UNITS_PER_SHARE - (pick >> 8) % UNITS_PER_SHARE, len(held))
            if (pick >> 12) % 3 == 1:  # a sale at exactly the basis per share
                sale_price = held[0].basis * UNITS_PER_SHARE
                engine_price = float(sale_price)
            else:
                engine_price = float(price)
            row = add(
                account_id=account_id,
                action="sell",
                symbol=symbol,
                quantity=units / UNITS_PER_SHARE,
                price=engine_price,
                lot_id=lot_id,
            )
            reference.sell(
                row,
                today,
                account_id,
                symbol,
                units=units,
                price=Decimal(engine_price),
                lot_id=lot_id,
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


def _reference_disposals(reference: Reference) -> dict[tuple, list[Decimal]]:
    grouped: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    unit = Decimal(1) / UNITS_PER_SHARE
    for s in reference.sold:
        totals = grouped[(s.row, s.account, s.lot_id, s.acquired)]
        for index, value in enumerate((unit, s.basis, s.proceeds, s.disallowed)):
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


def _reference_open(reference: Reference) -> dict[tuple, list[Decimal]]:
    grouped: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    unit = Decimal(1) / UNITS_PER_SHARE
    for s in reference.held:
        key = (s.account, s.symbol, s.lot_id, s.purchase, s.acquired)
        for index, value in enumerate((unit, s.basis, s.adjustment)):
            grouped[key][index] += value
    return grouped


def _assert_same(engine: dict[tuple, list[float]], reference: dict[tuple, list[Decimal]]) -> None:
    assert set(engine) == set(reference)
    for key, totals in reference.items():
        assert all(
            math.isclose(a, float(b), abs_tol=1e-6)
            for a, b in zip(engine[key], totals, strict=True)
        ), key


def check_against_reference(ops: list[Op]) -> None:
    rows, reference = build_history(ops)
    ledger = replay_ledger(rows, ACCOUNTS, SECURITIES, 0.4, 0.2)
    _assert_same(_engine_disposals(ledger), _reference_disposals(reference))
    _assert_same(_engine_open(ledger), _reference_open(reference))
    expected_total = float(sum(s.disallowed for s in reference.sold))
    assert math.isclose(ledger.total_disallowed(), expected_total, abs_tol=1e-6)
    assert math.isclose(sum(w.disallowed for w in ledger.wash_sales), expected_total, abs_tol=1e-6)
    # No match is ever recorded for less than a cent's loss: every match carries money.
    assert all(w.disallowed > 0.0 for w in ledger.wash_sales)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.binary(min_size=OP_BYTES * 8, max_size=OP_BYTES * 40))
def test_engine_matches_share_by_share_reference(raw: bytes) -> None:
    check_against_reference(decode_ops(raw))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.binary(min_size=OP_BYTES * 10, max_size=OP_BYTES * 60))
def test_engine_matches_reference_on_dense_trading(raw: bytes) -> None:
    """Rows at most 3 days apart: most sales fall inside several overlapping windows."""
    check_against_reference(
        [
            (gap % 4, kind, account_index, symbol_index, quantity, price, pick)
            for gap, kind, account_index, symbol_index, quantity, price, pick in decode_ops(raw)
        ]
    )


def test_reference_sees_wash_sales_so_the_comparison_is_not_vacuous() -> None:
    ops: list[Op] = [
        (0, "buy", 0, 0, 5, 10, 0),
        (40, "sell", 0, 0, 5, 8, 0),
        (3, "buy", 1, 1, 3, 8, 0),
        (2, "buy", 2, 0, 4, 8, 0),
    ]
    _rows, reference = build_history(ops)
    assert sum(s.disallowed for s in reference.sold) == 10
    check_against_reference(ops)


# Taxpayer T buys 25 A at 16, spouse S buys 5 at 15; T sells 7 at 16 (at the basis: 400 x
# 7/25 is 112.00000000000001 in floats), then 18 at 12: a $72 loss of which S's 5 shares
# wash $20.
BREAK_EVEN: list[Op] = [
    (0, "buy", 0, 0, 25, 16, 0),
    (2, "buy", 1, 0, 5, 15, 0),
    (5, "sell", 0, 1, 7, 16, 0),
    (2, "sell", 0, 1, 18, 12, 0),
]
# T buys 10 C at 40 and sells them at 20 ($200 loss); C splits 2-for-1 with a row in S only;
# S buys 10 post-split shares, which replace 5 of the sold ones: $100 washed.
SPLIT_IN_OTHER_ACCOUNT: list[Op] = [
    (0, "buy", 0, 2, 10, 40, 0),
    (40, "sell", 0, 2, 10, 20, 0),
    (2, "split", 1, 2, 0, 0, 0b100),  # ratio 2, posted in S (bit 1 of the accounts) only
    (2, "buy", 1, 2, 10, 10, 0),
]


def test_reference_figures_of_the_break_even_and_split_histories() -> None:
    rows, reference = build_history(BREAK_EVEN)
    assert rows[2].price == 16.0
    assert sum(s.disallowed for s in reference.sold) == 20
    rows, reference = build_history(SPLIT_IN_OTHER_ACCOUNT)
    assert [(row.account_id, row.action) for row in rows if row.action == "split"] == [
        ("S", "split")
    ]
    assert sum(s.disallowed for s in reference.sold) == 100


def test_comparison_catches_a_sale_at_its_basis_counted_as_a_loss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the cent rule switched off (any float excess of basis is a loss), the engine
    washes the break-even sale and the comparison fails."""
    check_against_reference(BREAK_EVEN)
    monkeypatch.setattr(replay_module, "LOSS_FLOOR", math.ulp(0.0))
    with pytest.raises(AssertionError):
        check_against_reference(BREAK_EVEN)


def test_comparison_catches_a_split_that_misses_a_waiting_loss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With splits not reaching waiting losses, the pre-split loss shares are matched one
    for one with post-split shares and the comparison fails."""
    check_against_reference(SPLIT_IN_OTHER_ACCOUNT)
    monkeypatch.setattr(WashSaleMatcher, "on_split", lambda *_args: None)
    with pytest.raises(AssertionError):
        check_against_reference(SPLIT_IN_OTHER_ACCOUNT)
