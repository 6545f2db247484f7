"""A split is the company's event: once, household-wide (ledger-wide), whoever posts it.

A split is a nontaxable stock dividend (IRC §305(a)) spreading each lot's basis over more
shares (§307(a)); for IRC §1091 the loss shares still waiting for replacements are counted
in post-split shares, so a replacement share bought after the split stands for 1/ratio of a
loss share sold before it. Custodians post a split row only in the accounts holding the
stock on the split date (an account the loss sale emptied gets none), so the result must
not depend on which accounts post it. Figures worked by hand in the docstrings.
"""

from __future__ import annotations

import pytest

from tests.ledger.builders import History, account, accounts, day, lots_of, security
from tools.errors import DataValidationError
from tools.ledger import Ledger
from tools.ledger.forward import loss_sale_check

BOOKS = accounts(
    account("T"),
    account("S", owner="spouse"),
    account("Z", household="H2"),  # another household: still the same company's split
)
SECURITIES = {
    "X": security("X"),
    "A": security("A", "alpha"),  # two share classes of one company
    "B": security("B", "alpha"),
}
POSTINGS = [("S",), ("T",), ("T", "S"), ("S", "T", "S"), ("Z",)]


def post_split(history: History, posted_in: tuple[str, ...], symbol: str = "X") -> None:
    for account_id in posted_in:
        history.split("2025-03-10", account_id, symbol, 2)


def total_disallowed(ledger: Ledger) -> float:
    return sum(wash.disallowed for wash in ledger.wash_sales)


@pytest.mark.parametrize("posted_in", POSTINGS)
def test_split_between_loss_and_replacement(posted_in: tuple[str, ...]) -> None:
    """T buys 100 at $40 and sells them at $20 on 2025-03-03 (a $2,000 loss, $20 a share,
    T emptied); X splits 2-for-1 on 2025-03-10; S buys 100 post-split shares at $10 on
    2025-03-12. They are 50 pre-split shares: $1,000 washed, R's basis 1,000 + 1,000, its
    holding period from 2025-03-12 less the 60 days T held: 2025-01-11. S's older 10
    shares become 20 whichever account posted the split."""
    history = History()
    history.buy("2025-01-02", "S", "X", 10, 30, lot_id="S0")
    history.buy("2025-01-02", "T", "X", 100, 40, lot_id="L")
    history.sell("2025-03-03", "T", "X", 100, 20)
    post_split(history, posted_in)
    history.buy("2025-03-12", "S", "X", 100, 10, lot_id="R")
    ledger = history.replay(BOOKS, SECURITIES)
    assert total_disallowed(ledger) == pytest.approx(1000.0)
    [wash] = ledger.wash_sales
    assert (wash.replacement_lot_id, wash.quantity) == ("R", 100.0)
    [replacement] = lots_of(ledger, "R")
    assert replacement.cost_basis == pytest.approx(2000.0)
    assert replacement.acquired_date == day("2025-01-11")
    [older] = lots_of(ledger, "S0")
    assert (older.quantity, older.cost_basis) == (20.0, pytest.approx(300.0))


@pytest.mark.parametrize("posted_in", POSTINGS)
def test_split_between_two_replacements(posted_in: tuple[str, ...]) -> None:
    """S buys 50 at $21 on 2025-02-20 (R1); T's $2,000 loss of 2025-03-03 takes them: $1,000
    washed, 50 loss shares wait. After the 2-for-1 split they are 100 post-split shares of
    $10 loss each, which S's 100 post-split shares of 2025-03-12 (R2) take: $1,000 more. R1
    is 100 shares with basis 1,050 + 1,000."""
    history = History()
    history.buy("2025-01-02", "T", "X", 100, 40, lot_id="L")
    history.buy("2025-02-20", "S", "X", 50, 21, lot_id="R1")
    history.sell("2025-03-03", "T", "X", 100, 20)
    post_split(history, posted_in)
    history.buy("2025-03-12", "S", "X", 100, 10, lot_id="R2")
    ledger = history.replay(BOOKS, SECURITIES)
    assert [(w.replacement_lot_id, w.quantity) for w in ledger.wash_sales] == [
        ("R1", 50.0),
        ("R2", 100.0),
    ]
    assert [w.disallowed for w in ledger.wash_sales] == [
        pytest.approx(1000.0),
        pytest.approx(1000.0),
    ]
    [r1] = lots_of(ledger, "R1")
    assert (r1.quantity, r1.cost_basis) == (100.0, pytest.approx(2050.0))


@pytest.mark.parametrize("posted_in", POSTINGS)
def test_split_after_the_replacement(posted_in: tuple[str, ...]) -> None:
    """S's 100 shares bought at $20 on 2025-03-05 take the whole $2,000 loss (basis 4,000);
    the split then makes them 200 shares with the same basis and adjustment."""
    history = History()
    history.buy("2025-01-02", "T", "X", 100, 40, lot_id="L")
    history.sell("2025-03-03", "T", "X", 100, 20)
    history.buy("2025-03-05", "S", "X", 100, 20, lot_id="R")
    post_split(history, posted_in)
    ledger = history.replay(BOOKS, SECURITIES)
    assert total_disallowed(ledger) == pytest.approx(2000.0)
    [replacement] = lots_of(ledger, "R")
    assert replacement.quantity == 200.0
    assert replacement.cost_basis == pytest.approx(4000.0)
    assert replacement.wash_sale_adjustment == pytest.approx(2000.0)


def test_split_posted_in_the_selling_account_only_splits_the_buying_account_too() -> None:
    """S holds 10 shares; the split is posted only in T (which holds 100): S then sells its
    20 post-split shares, which it could not if the split stayed in T."""
    history = History()
    history.buy("2025-01-02", "S", "X", 10, 30, lot_id="S0")
    history.buy("2025-01-02", "T", "X", 100, 40, lot_id="L")
    history.split("2025-03-10", "T", "X", 2)
    history.sell("2025-03-12", "S", "X", 20, 16)
    ledger = history.replay(BOOKS, SECURITIES)
    [sale] = ledger.disposals
    assert (sale.quantity, sale.cost_basis, sale.proceeds) == (20.0, 300.0, 320.0)
    [t_lot] = lots_of(ledger, "L")
    assert (t_lot.quantity, t_lot.cost_basis) == (200.0, 4000.0)


def test_conflicting_split_ratios_are_an_error_naming_both_rows() -> None:
    history = History()
    history.buy("2025-01-02", "T", "X", 100, 40)
    history.split("2025-03-10", "T", "X", 2)  # row 2
    history.split("2025-03-10", "S", "X", 3)  # row 3
    with pytest.raises(DataValidationError) as raised:
        history.replay(BOOKS, SECURITIES)
    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.column) == ("transactions.csv", 3, "quantity")
    assert "row 2" in problem.message
    assert "ratio 3" in problem.message and "ratio 2" in problem.message


def test_splits_on_different_days_are_two_events() -> None:
    history = History()
    history.buy("2025-01-02", "T", "X", 100, 40, lot_id="L")
    history.split("2025-03-10", "T", "X", 2)
    history.split("2025-06-10", "S", "X", 3)
    [lot] = lots_of(history.replay(BOOKS, SECURITIES), "L")
    assert (lot.quantity, lot.cost_basis) == (600.0, 4000.0)


def test_replacement_class_that_did_not_split_counts_in_economic_shares() -> None:
    """T sells 100 A at a $2,000 loss; A splits 2-for-1 (the waiting loss becomes 200 A
    shares of $10); S buys 100 B, the other class, which did not split: 100 B are the stake
    of 200 post-split A, so the whole $2,000 is washed by 100 replacement shares."""
    history = History()
    history.buy("2025-01-02", "T", "A", 100, 40, lot_id="L")
    history.sell("2025-03-03", "T", "A", 100, 20)
    history.split("2025-03-10", "T", "A", 2)
    history.buy("2025-03-12", "S", "B", 100, 20, lot_id="R")
    ledger = history.replay(BOOKS, SECURITIES)
    [wash] = ledger.wash_sales
    assert (wash.replacement_lot_id, wash.quantity) == ("R", 100.0)
    assert wash.disallowed == pytest.approx(2000.0)
    [replacement] = lots_of(ledger, "R")
    assert replacement.cost_basis == pytest.approx(4000.0)


def test_replacement_class_that_split_counts_in_economic_shares() -> None:
    """T sells 100 A at a $2,000 loss; B splits 2-for-1; S's 100 post-split B are the stake
    of 50 A: $1,000 washed, and the next 100 B wash the other $1,000."""
    history = History()
    history.buy("2025-01-02", "T", "A", 100, 40, lot_id="L")
    history.buy("2025-01-02", "S", "B", 10, 40, lot_id="S0")
    history.sell("2025-03-03", "T", "A", 100, 20)
    history.split("2025-03-10", "S", "B", 2)
    history.buy("2025-03-12", "S", "B", 100, 10, lot_id="R1")
    history.buy("2025-03-14", "S", "B", 100, 10, lot_id="R2")
    ledger = history.replay(BOOKS, SECURITIES)
    assert [(w.replacement_lot_id, w.quantity) for w in ledger.wash_sales] == [
        ("R1", 100.0),
        ("R2", 100.0),
    ]
    assert [w.disallowed for w in ledger.wash_sales] == [
        pytest.approx(1000.0),
        pytest.approx(1000.0),
    ]
    [first] = lots_of(ledger, "R1")
    assert first.cost_basis == pytest.approx(2000.0)


def test_loss_sale_check_counts_replacements_in_economic_shares() -> None:
    """T holds 100 A bought at $40, split 2-for-1 into 200 A ($20 basis each); S bought 100
    B (no split) three days ago. At $15, selling T's 200 A would lose $1,000, all of it
    washed: the 100 B are the stake of all 200 post-split A."""
    history = History()
    history.buy("2025-01-02", "T", "A", 100, 40, lot_id="L")
    history.split("2025-03-10", "T", "A", 2)
    history.buy("2025-03-12", "S", "B", 100, 15, lot_id="R")
    ledger = history.replay(BOOKS, SECURITIES)
    [status] = [
        status
        for status in loss_sale_check(ledger, "H1", day("2025-03-15"), [], {"A": 15.0, "B": 15.0})
        if status.lot_id == "L"
    ]
    assert (status.quantity, status.loss) == (200.0, pytest.approx(1000.0))
    assert status.disallowed == pytest.approx(1000.0)
    assert [(r.lot_id, r.quantity) for r in status.replacements] == [("R", 100.0)]
