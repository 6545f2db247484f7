"""Wash-sale cases around the edges of IRC §1091: windows, accounts, securities, timing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ledger.builders import History, account, accounts, day, lots_of, security

TAXABLE = accounts(account("T1"))
SALE = "2024-06-14"


def _shift(date: str, days: int) -> str:
    return (day(date) + dt.timedelta(days=days)).isoformat()


def _loss_sale_with_purchase_at(offset: int) -> float:
    """Lot bought long before; sold at a $200 loss on SALE; 100 shares bought at SALE+offset."""
    history = History()
    old = history.buy("2023-01-03", "T1", "X", 100, 10.00)
    if offset < 0:
        history.buy(_shift(SALE, offset), "T1", "X", 100, 9.00)
        history.sell(SALE, "T1", "X", 100, 8.00, lot_id=old)
    else:
        history.sell(SALE, "T1", "X", 100, 8.00, lot_id=old)
        history.buy(_shift(SALE, offset), "T1", "X", 100, 9.00)
    ledger = history.replay(TAXABLE)
    (disposal,) = ledger.disposals
    return disposal.wash_sale_disallowed


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-31, 0.0), (-30, 200.0), (30, 200.0), (31, 0.0)],
    ids=["day-31-before", "day-30-before", "day-30-after", "day-31-after"],
)
def test_window_is_30_days_each_side_inclusive(offset: int, expected: float) -> None:
    """IRC §1091(a): the window runs from 30 days before to 30 days after the sale."""
    assert _loss_sale_with_purchase_at(offset) == pytest.approx(expected)


def test_held_away_account_purchase_washes_loss() -> None:
    """Accounts lotwise only watches (managed = false) still belong to the household."""
    household = accounts(account("T1"), account("AWAY", "taxable", managed=False))
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    away = history.buy("2024-03-05", "AWAY", "X", 100, 8.00)
    ledger = history.replay(household)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(200.0)
    assert lots_of(ledger, away)[0].cost_basis == pytest.approx(1000.0)


def test_other_household_purchase_does_not_wash() -> None:
    other = accounts(account("T1"), account("Z1", household="H2"))
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    history.buy("2024-03-05", "Z1", "X", 100, 8.00)
    assert history.replay(other).disposals[0].wash_sale_disallowed == 0.0


@pytest.mark.parametrize("ira_type", ["traditional_ira", "roth_ira", "401k", "hsa"])
def test_retirement_account_purchase_disallows_permanently(ira_type: str) -> None:
    """Rev. Rul. 2008-5 (IRA and Roth IRA; 401(k) and HSA treated alike): the loss is gone
    and the retirement account's basis and holding period are untouched."""
    household = accounts(account("T1"), account("R1", ira_type))  # type: ignore[arg-type]
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    held = history.buy("2024-02-20", "R1", "X", 40, 9.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    ledger = history.replay(household)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(80.0)  # 40 x $2
    (wash,) = ledger.wash_sales
    assert (wash.permanent, wash.quantity) == (True, 40.0)
    (lot,) = lots_of(ledger, held)
    assert (lot.cost_basis, lot.wash_sale_adjustment) == (pytest.approx(360.0), 0.0)
    assert lot.acquired_date == day("2024-02-20")


def test_loss_inside_ira_is_not_matched() -> None:
    """Losses inside IRA-type accounts are not recognized, so §1091 has nothing to disallow."""
    household = accounts(account("T1"), account("IRA", "traditional_ira"))
    history = History()
    history.buy("2024-01-10", "IRA", "X", 100, 10.00)
    history.sell("2024-03-01", "IRA", "X", 100, 8.00)
    bought = history.buy("2024-03-05", "T1", "X", 100, 8.00)
    ledger = history.replay(household)
    (disposal,) = ledger.disposals
    assert (disposal.taxable, disposal.wash_sale_disallowed) == (False, 0.0)
    assert ledger.wash_sales == []
    assert lots_of(ledger, bought)[0].cost_basis == pytest.approx(800.0)


def test_dividend_reinvestment_is_an_acquisition() -> None:
    """Pub. 550: a reinvested dividend buys shares; 2.5 reinvested shares wash 2.5 shares."""
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    history.cash("2024-03-15", "T1", "dividend", 20.00, symbol="X")
    reinvested = history.reinvest("2024-03-15", "T1", "X", 2.5, 8.00)
    ledger = history.replay(TAXABLE)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(5.0)
    assert lots_of(ledger, reinvested)[0].cost_basis == pytest.approx(25.0)
    assert ledger.cash["T1"] == pytest.approx(-1000.0 + 800.0 + 20.0 - 20.0)


def test_identical_group_members_are_substantially_identical() -> None:
    """Share classes or funds on one index share an identical_group; others do not."""
    securities = {
        "GOOGL": security("GOOGL", "alphabet"),
        "GOOG": security("GOOG", "alphabet"),
        "MSFT": security("MSFT"),
    }
    history = History()
    history.buy("2024-01-10", "T1", "GOOGL", 10, 100.00)
    history.sell("2024-03-01", "T1", "GOOGL", 10, 90.00)
    history.buy("2024-03-02", "T1", "MSFT", 10, 90.00)
    other_class = history.buy("2024-03-03", "T1", "GOOG", 4, 90.00)
    ledger = history.replay(TAXABLE, securities)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(40.0)
    (wash,) = ledger.wash_sales
    assert (wash.loss_symbol, wash.replacement_symbol) == ("GOOGL", "GOOG")
    assert lots_of(ledger, other_class)[0].cost_basis == pytest.approx(400.0)


def test_split_before_sale_scales_shares_and_keeps_basis() -> None:
    """100 shares at $20 split 2-for-1 are 200 shares with basis $2,000; sold at $8 the loss is
    $400, and 50 post-split shares bought later replace 50 of them ($100)."""
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 20.00)
    history.split("2024-02-01", "T1", "X", 2)
    history.sell("2024-03-01", "T1", "X", 200, 8.00)
    history.buy("2024-03-10", "T1", "X", 50, 8.00)
    ledger = history.replay(TAXABLE)
    (disposal,) = ledger.disposals
    assert (disposal.quantity, disposal.cost_basis) == (200.0, pytest.approx(2000.0))
    assert disposal.wash_sale_disallowed == pytest.approx(100.0)


def test_split_after_loss_sale_counts_replacements_in_post_split_shares() -> None:
    """100 shares sold at a $200 loss, then a 2-for-1 split: 100 post-split shares bought
    afterwards are 50 of the old shares, so half the loss ($100) is disallowed, $1 a share."""
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    history.split("2024-03-05", "T1", "X", 2)
    bought = history.buy("2024-03-10", "T1", "X", 100, 4.00)
    ledger = history.replay(TAXABLE)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(100.0)
    assert lots_of(ledger, bought)[0].cost_basis == pytest.approx(500.0)


def test_split_of_held_replacement_spreads_its_adjustment() -> None:
    history = History()
    history.buy("2024-01-10", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    bought = history.buy("2024-03-10", "T1", "X", 100, 8.00)
    history.split("2024-04-01", "T1", "X", 3)
    (lot,) = lots_of(history.replay(TAXABLE), bought)
    assert (lot.quantity, lot.cost_basis, lot.wash_sale_adjustment) == (
        300.0,
        pytest.approx(1000.0),
        pytest.approx(200.0),
    )


def test_chain_carries_adjustment_and_holding_period_forward() -> None:
    """A replacement sold at a loss and replaced again passes its adjusted basis and its
    tacked holding period on (IRC §1091(d), §1223(3))."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 100, 10.00)
    history.sell("2024-02-11", "T1", "X", 100, 8.00)
    second = history.buy("2024-02-16", "T1", "X", 100, 8.00)
    history.sell("2024-03-02", "T1", "X", 100, 7.00, lot_id=second)
    third = history.buy("2024-03-12", "T1", "X", 100, 7.00)
    ledger = history.replay(TAXABLE)

    first_sale, second_sale = ledger.disposals
    assert first_sale.wash_sale_disallowed == pytest.approx(200.0)
    assert second_sale.cost_basis == pytest.approx(1000.0)  # $800 + $200
    assert second_sale.wash_sale_disallowed == pytest.approx(300.0)  # $1,000 - $700
    second_start = day("2024-02-16") - (day("2024-02-11") - day("2024-01-02"))
    assert second_sale.acquired_date == second_start
    (lot,) = lots_of(ledger, third)
    assert lot.cost_basis == pytest.approx(1000.0)  # $700 + $300
    assert lot.acquired_date == day("2024-03-12") - (day("2024-03-02") - second_start)


@pytest.mark.parametrize("buy_first", [True, False], ids=["buy-then-sell", "sell-then-buy"])
def test_same_day_purchase_washes_either_way(buy_first: bool) -> None:
    """A purchase on the sale date is inside the window, held at the sale or bought after."""
    history = History()
    old = history.buy("2024-01-10", "T1", "X", 100, 10.00)
    if buy_first:
        history.buy("2024-03-01", "T1", "X", 100, 8.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00, lot_id=old)
    if not buy_first:
        history.buy("2024-03-01", "T1", "X", 100, 8.00)
    assert history.replay(TAXABLE).disposals[0].wash_sale_disallowed == pytest.approx(200.0)


def test_day_trade_of_one_purchase_is_not_its_own_replacement() -> None:
    """Bought and sold the same day at a loss with nothing else bought: the shares of the
    sold purchase never replace themselves."""
    history = History()
    history.buy("2024-03-01", "T1", "X", 100, 10.00)
    history.sell("2024-03-01", "T1", "X", 100, 9.00)
    ledger = history.replay(TAXABLE)
    assert ledger.disposals[0].wash_sale_disallowed == 0.0
    assert ledger.wash_sales == []


def test_rest_of_the_same_purchase_is_not_a_replacement() -> None:
    history = History()
    history.buy("2024-03-01", "T1", "X", 100, 10.00)
    history.sell("2024-03-11", "T1", "X", 50, 9.00)
    assert history.replay(TAXABLE).disposals[0].wash_sale_disallowed == 0.0


def test_shares_sold_in_the_same_sale_do_not_replace_each_other() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "X", 100, 10.00)
    history.buy("2024-02-20", "T1", "X", 100, 9.00)
    history.sell("2024-03-01", "T1", "X", 200, 8.00)
    ledger = history.replay(TAXABLE)
    assert [d.wash_sale_disallowed for d in ledger.disposals] == [0.0, 0.0]


def test_replacement_must_still_be_held_at_the_sale() -> None:
    """Shares bought in the 30 days before but sold before the loss sale replace nothing."""
    history = History()
    old = history.buy("2024-01-02", "T1", "X", 100, 10.00)
    recent = history.buy("2024-02-20", "T1", "X", 100, 7.00)
    history.sell("2024-02-25", "T1", "X", 100, 7.50, lot_id=recent)
    history.sell("2024-03-01", "T1", "X", 100, 8.00, lot_id=old)
    ledger = history.replay(TAXABLE)
    assert [d.wash_sale_disallowed for d in ledger.disposals] == [0.0, 0.0]


def test_each_replacement_share_absorbs_one_loss_in_order_of_disposal() -> None:
    """Treas. Reg. §1.1091-1(b), (e): losses in the order of disposal; the 100 shares bought
    wash the first 100-share loss only."""
    household = accounts(account("T1"), account("S1", owner="spouse"))
    history = History()
    history.buy("2024-01-02", "T1", "X", 100, 10.00)
    history.buy("2024-01-02", "S1", "X", 100, 11.00)
    history.sell("2024-03-01", "T1", "X", 100, 8.00)
    history.sell("2024-03-03", "S1", "X", 100, 8.00)
    history.buy("2024-03-10", "T1", "X", 100, 8.00)
    ledger = history.replay(household)
    assert [d.wash_sale_disallowed for d in ledger.disposals] == [pytest.approx(200.0), 0.0]


def test_loss_block_never_nets_against_gain_block_of_the_same_sale() -> None:
    """One fifo sale relieves a loss lot and a gain lot; only the loss lot is washed and the
    gain lot's gain is reported in full."""
    history = History()
    history.buy("2023-11-01", "T1", "X", 100, 12.00)
    history.buy("2023-12-01", "T1", "X", 100, 6.00)
    history.sell("2024-03-01", "T1", "X", 200, 10.00)
    history.buy("2024-03-05", "T1", "X", 100, 10.00)
    loss_block, gain_block = history.replay(TAXABLE).disposals
    assert loss_block.wash_sale_disallowed == pytest.approx(200.0)
    assert loss_block.gain == pytest.approx(0.0)
    assert (gain_block.wash_sale_disallowed, gain_block.gain) == (0.0, pytest.approx(400.0))


def test_transfer_in_is_not_an_acquisition() -> None:
    """A lot moved in from another custodian was not bought: it washes no loss, before or
    after the sale."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 100, 10.00)
    history.transfer_in("2024-02-25", "T1", "X", 50, acquired="2020-05-01", cost_basis=300.0)
    history.sell("2024-03-01", "T1", "X", 100, 8.00, lot_id="row-1")
    history.transfer_in("2024-03-05", "T1", "X", 50, acquired="2021-05-01", cost_basis=400.0)
    ledger = history.replay(TAXABLE)
    assert ledger.disposals[0].wash_sale_disallowed == 0.0
    assert ledger.wash_sales == []


def test_waiting_loss_washed_by_later_purchase_in_other_account_of_group() -> None:
    """The future-looking part: the disposal's disallowed loss is filled in when a purchase
    up to 30 days later is replayed, in any household account and any identical symbol."""
    household = accounts(account("T1"), account("S1", owner="spouse"))
    securities = {"VOO": security("VOO", "sp500"), "IVV": security("IVV", "sp500")}
    history = History()
    history.buy("2024-01-02", "T1", "VOO", 10, 400.00)
    history.sell("2024-03-01", "T1", "VOO", 10, 380.00)
    ledger_before = history.replay(household, securities)
    assert ledger_before.disposals[0].wash_sale_disallowed == 0.0
    history.buy("2024-03-28", "S1", "IVV", 10, 370.00)
    ledger = history.replay(household, securities)
    assert ledger.disposals[0].wash_sale_disallowed == pytest.approx(200.0)
