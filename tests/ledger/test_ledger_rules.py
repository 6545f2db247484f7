"""Lots, terms, relief methods, cash and bad input of the replay."""

from __future__ import annotations

import pytest

from tests.ledger.builders import History, account, accounts, day, lots_of, security
from tools.errors import DataValidationError
from tools.ledger.holding import anniversary, term_of

TAXABLE = accounts(account("T1"))


@pytest.mark.parametrize(
    ("acquired", "sold", "term"),
    [
        ("2023-03-15", "2024-03-15", "short"),  # the anniversary itself: not more than a year
        ("2023-03-15", "2024-03-16", "long"),
        ("2024-02-29", "2025-02-28", "short"),
        ("2024-02-29", "2025-03-01", "long"),
        ("2023-03-01", "2024-03-01", "short"),  # 366 days across 29 February 2024
        ("2023-03-01", "2024-03-02", "long"),
    ],
)
def test_long_term_only_when_held_more_than_one_year(acquired: str, sold: str, term: str) -> None:
    """Pub. 550 "Holding period": long-term when held more than one year; the day of sale
    counts and the day of acquisition does not, so the anniversary is still short-term."""
    assert term_of(day(acquired).toordinal(), day(sold).toordinal()) == term
    history = History()
    history.buy(acquired, "T1", "X", 1, 10.0)
    history.sell(sold, "T1", "X", 1, 12.0)
    assert history.replay(TAXABLE).disposals[0].term == term


def test_anniversary_of_leap_day_is_28_february() -> None:
    assert anniversary(day("2024-02-29")) == day("2025-02-28")


def test_tacked_holding_period_turns_a_later_sale_long_term() -> None:
    """Shares bought 10 Nov 2023 replace shares held since 3 Jan 2023 (sold 1 Nov 2023), so
    on 1 Feb 2024 they count as held since 12 Jan 2023: long-term (IRC §1223(3))."""
    history = History()
    history.buy("2023-01-03", "T1", "X", 100, 10.00)
    history.sell("2023-11-01", "T1", "X", 100, 8.00)
    replacement = history.buy("2023-11-10", "T1", "X", 100, 8.00)
    history.sell("2024-02-01", "T1", "X", 100, 12.00, lot_id=replacement)
    ledger = history.replay(TAXABLE)
    washed, later = ledger.disposals
    assert washed.term == "short"
    assert later.acquired_date == day("2023-01-12")
    assert later.purchase_date == day("2023-11-10")
    assert later.term == "long"
    assert later.gain == pytest.approx(1200.0 - 1000.0)


def _four_lots(relief: str) -> History:
    """Sold on 2024-06-03 at $10: a long-term loss (basis 14), a short-term loss (12),
    a long-term gain (4) and a short-term gain (9)."""
    history = History()
    history.buy("2022-01-03", "T1", "X", 10, 14.00, lot_id="long-loss")
    history.buy("2023-02-01", "T1", "X", 10, 4.00, lot_id="long-gain")
    history.buy("2024-01-03", "T1", "X", 10, 12.00, lot_id="short-loss")
    history.buy("2024-02-01", "T1", "X", 10, 9.00, lot_id="short-gain")
    return history


@pytest.mark.parametrize(
    ("relief", "expected"),
    [
        ("fifo", ["long-loss", "long-gain", "short-loss"]),
        ("hifo", ["long-loss", "short-loss", "short-gain"]),
        # losses first, short before long; then the gain taxed least: short gain $1 x 45.8%
        # ($0.458 a share) before long gain $6 x 28.8% ($1.728 a share).
        ("min_tax", ["short-loss", "long-loss", "short-gain"]),
    ],
)
def test_relief_methods_choose_lots(relief: str, expected: list[str]) -> None:
    history = _four_lots(relief)
    history.sell("2024-06-03", "T1", "X", 25, 10.00)
    ledger = history.replay(accounts(account("T1", relief=relief)))  # type: ignore[arg-type]
    assert [d.lot_id for d in ledger.disposals] == expected
    assert [d.quantity for d in ledger.disposals] == [10.0, 10.0, 5.0]


def test_hifo_ranks_parts_by_their_own_basis() -> None:
    """Wash-sale adjusted shares of a lot rank on their adjusted per-share basis."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="a")
    history.sell("2024-02-01", "T1", "X", 10, 5.00, lot_id="a")
    history.buy("2024-02-05", "T1", "X", 20, 6.00, lot_id="b")  # 10 shares absorb $50
    history.buy("2024-02-06", "T1", "X", 10, 8.00, lot_id="c")
    history.sell("2024-04-01", "T1", "X", 10, 9.00)
    ledger = history.replay(accounts(account("T1", relief="hifo")))
    sold = ledger.disposals[-1]
    assert (sold.lot_id, sold.cost_basis) == ("b", pytest.approx(110.0))  # $11 a share


def test_specific_identification_names_the_lot() -> None:
    history = _four_lots("specific")
    history.sell("2024-06-03", "T1", "X", 4, 10.00, lot_id="short-gain")
    ledger = history.replay(accounts(account("T1", relief="specific")))
    (disposal,) = ledger.disposals
    assert (disposal.lot_id, disposal.quantity) == ("short-gain", 4.0)
    assert [lot.quantity for lot in lots_of(ledger, "short-gain")] == [6.0]


def test_rows_with_one_lot_id_are_one_purchase() -> None:
    """Two fills of one order share the lot: selling the lot relieves both, first fill first."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="order-1")
    history.buy("2024-01-02", "T1", "X", 5, 10.40, lot_id="order-1")
    history.sell("2024-02-01", "T1", "X", 12, 11.00, lot_id="order-1")
    ledger = history.replay(TAXABLE)
    assert [d.quantity for d in ledger.disposals] == [10.0, 2.0]
    assert sum(d.cost_basis for d in ledger.disposals) == pytest.approx(100.0 + 2 * 10.40)
    (rest,) = lots_of(ledger, "order-1")
    assert rest.quantity == pytest.approx(3.0)


def test_fees_add_to_basis_and_reduce_proceeds_and_cash_sums_movements() -> None:
    history = History()
    history.cash("2024-01-02", "T1", "deposit", 5000.0)
    history.buy("2024-01-03", "T1", "X", 100, 10.00, fees=5.0)
    history.sell("2024-02-01", "T1", "X", 40, 12.00, fees=4.0)
    history.cash("2024-02-15", "T1", "dividend", 6.0, symbol="X")
    history.cash("2024-03-01", "T1", "withdraw", 100.0)
    ledger = history.replay(TAXABLE)
    (disposal,) = ledger.disposals
    assert disposal.cost_basis == pytest.approx(1005.0 * 0.4)
    assert disposal.proceeds == pytest.approx(480.0 - 4.0)
    assert ledger.cash["T1"] == pytest.approx(5000 - 1005 + 476 + 6 - 100)
    (lot,) = ledger.open_lots()
    assert lot.cost_basis == pytest.approx(1005.0 * 0.6)


def test_transfer_in_keeps_its_dates_and_basis_and_sorts_first_in() -> None:
    """purchase_date of a transferred lot is its acquired_date, so fifo treats it by age."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="bought")
    history.transfer_in(
        "2024-02-01", "T1", "X", 10, acquired="2019-05-01", cost_basis=50.0, lot_id="moved"
    )
    history.sell("2024-03-01", "T1", "X", 10, 12.00)
    ledger = history.replay(TAXABLE)
    (disposal,) = ledger.disposals
    assert (disposal.lot_id, disposal.term, disposal.gain) == ("moved", "long", 70.0)
    assert disposal.purchase_date == day("2019-05-01")


def test_as_of_cuts_the_replay() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    history.sell("2024-03-01", "T1", "X", 10, 12.00)
    ledger = history.replay(TAXABLE, as_of="2024-02-01")
    assert ledger.disposals == []
    assert [lot.quantity for lot in ledger.open_lots()] == [10.0]


def test_same_date_rows_apply_in_file_order_after_sorting_by_date() -> None:
    history = History()
    history.sell("2024-03-01", "T1", "X", 10, 12.00)  # file order first, later date
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    assert history.replay(TAXABLE).disposals[0].gain == pytest.approx(20.0)


def _problem(history: History, relief: str = "fifo") -> tuple[str, int | None, str | None]:
    with pytest.raises(DataValidationError) as caught:
        history.replay(accounts(account("T1", relief=relief)))  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    return problem.file, problem.row, problem.column


def test_oversold_account_names_quantity() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    row = history.sell("2024-02-01", "T1", "X", 11, 12.00)
    assert _problem(history) == ("transactions.csv", row, "quantity")


def test_selling_a_symbol_not_held_names_quantity() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    row = history.sell("2024-02-01", "T1", "Y", 1, 12.00)
    assert _problem(history) == ("transactions.csv", row, "quantity")


def test_unknown_lot_id_names_lot_id() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="a")
    row = history.sell("2024-02-01", "T1", "X", 1, 12.00, lot_id="nope")
    assert _problem(history) == ("transactions.csv", row, "lot_id")


def test_lot_id_of_another_symbol_names_lot_id() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="a")
    history.buy("2024-01-02", "T1", "Y", 10, 10.00, lot_id="b")
    row = history.sell("2024-02-01", "T1", "X", 1, 12.00, lot_id="b")
    assert _problem(history) == ("transactions.csv", row, "lot_id")


def test_oversold_lot_names_quantity() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="a")
    history.buy("2024-01-03", "T1", "X", 10, 10.00, lot_id="b")
    row = history.sell("2024-02-01", "T1", "X", 11, 12.00, lot_id="a")
    assert _problem(history) == ("transactions.csv", row, "quantity")


def test_closed_lot_names_quantity() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00, lot_id="a")
    history.buy("2024-01-03", "T1", "X", 10, 10.00, lot_id="b")
    history.sell("2024-02-01", "T1", "X", 10, 12.00, lot_id="a")
    row = history.sell("2024-02-02", "T1", "X", 1, 12.00, lot_id="a")
    assert _problem(history) == ("transactions.csv", row, "quantity")


def test_specific_account_sale_without_lot_id_names_lot_id() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    row = history.sell("2024-02-01", "T1", "X", 1, 12.00)
    assert _problem(history, relief="specific") == ("transactions.csv", row, "lot_id")


def test_unknown_account_names_account_id() -> None:
    history = History()
    history.buy("2024-01-02", "NOPE", "X", 10, 10.00)
    assert _problem(history) == ("transactions.csv", 1, "account_id")


def test_negative_quantity_names_quantity() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", -10, 10.00)
    assert _problem(history) == ("transactions.csv", 1, "quantity")


def test_missing_price_names_price() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 10, 10.00)
    history.rows[0] = history.rows[0].model_copy(update={"price": None})
    assert _problem(history) == ("transactions.csv", 1, "price")


def test_unknown_symbol_names_symbol() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "NOPE", 10, 10.00)
    with pytest.raises(DataValidationError) as caught:
        history.replay(TAXABLE, {"X": security("X")})
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("transactions.csv", 1, "symbol")
