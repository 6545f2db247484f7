"""Forward-looking questions: blocked buys, unsafe loss sales, and the cost of a trade list."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ledger.builders import History, account, accounts, day, security
from tools.errors import DataValidationError
from tools.ledger.forward import (
    ProposedTrade,
    blocked_buys,
    disallowed_for_trades,
    loss_sale_check,
)
from tools.models import PendingPurchase

HOUSEHOLD = accounts(
    account("T1"),
    account("S1", owner="spouse"),
    account("IRA", "roth_ira"),
    account("Z1", household="H2"),
)
SECURITIES = {
    "VOO": security("VOO", "sp500"),
    "IVV": security("IVV", "sp500"),
    "MSFT": security("MSFT"),
}
AS_OF = "2024-06-14"


def _pending(
    date: str, account_id: str, symbol: str, quantity: float, row: int = 1
) -> PendingPurchase:
    return PendingPurchase(
        row=row,
        date=day(date),
        account_id=account_id,
        action="buy",
        symbol=symbol,
        quantity=quantity,
    )


def test_loss_sale_blocks_identical_buys_until_sale_plus_30() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "VOO", 10, 400.0)
    history.sell("2024-06-03", "T1", "VOO", 10, 380.0)
    ledger = history.replay(HOUSEHOLD, SECURITIES)

    (block,) = blocked_buys(ledger, "H1", day(AS_OF))
    assert block.symbols == ("IVV", "VOO")
    assert block.blocked_until == day("2024-07-03")
    assert block.loss == pytest.approx(200.0)
    assert (block.losses[0].account_id, block.losses[0].lot_id) == ("T1", "row-1")
    assert blocked_buys(ledger, "H1", day("2024-07-03")) != []
    assert blocked_buys(ledger, "H1", day("2024-07-04")) == []
    assert blocked_buys(ledger, "H2", day(AS_OF)) == []


def test_fully_washed_loss_blocks_nothing_and_partly_washed_blocks_the_rest() -> None:
    history = History()
    history.buy("2024-01-02", "T1", "VOO", 10, 400.0)
    history.buy("2024-01-02", "T1", "MSFT", 10, 400.0)
    history.sell("2024-06-03", "T1", "VOO", 10, 380.0)
    history.sell("2024-06-03", "T1", "MSFT", 10, 380.0)
    history.buy("2024-06-05", "S1", "IVV", 10, 380.0)
    history.buy("2024-06-05", "S1", "MSFT", 4, 380.0)
    (block,) = blocked_buys(history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF))
    assert block.symbols == ("MSFT",)
    assert (block.losses[0].quantity, block.loss) == (pytest.approx(6.0), pytest.approx(120.0))


def test_ira_loss_blocks_nothing() -> None:
    history = History()
    history.buy("2024-01-02", "IRA", "VOO", 10, 400.0)
    history.sell("2024-06-03", "IRA", "VOO", 10, 380.0)
    assert blocked_buys(history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF)) == []


def _loss_lot_history() -> History:
    """T1 holds 10 VOO bought at $400 (worth $380 on AS_OF: a $200 loss)."""
    history = History()
    history.buy("2024-01-02", "T1", "VOO", 10, 400.0, lot_id="old")
    return history


def test_loss_lot_is_safe_without_recent_or_pending_purchases() -> None:
    history = _loss_lot_history()
    history.buy("2024-05-14", "S1", "IVV", 5, 380.0)  # 31 days before AS_OF
    (status,) = loss_sale_check(
        history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF), [], {"VOO": 380.0, "IVV": 380.0}
    )
    assert status.safe
    assert (status.lot_id, status.loss, status.disallowed) == ("old", pytest.approx(200.0), 0.0)


def test_recent_purchase_in_the_household_makes_a_loss_unsafe() -> None:
    history = _loss_lot_history()
    history.buy("2024-05-15", "S1", "IVV", 4, 380.0)  # 30 days before AS_OF
    statuses = loss_sale_check(
        history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF), [], {"VOO": 380.0, "IVV": 380.0}
    )
    (status,) = [s for s in statuses if s.lot_id == "old"]
    assert not status.safe
    assert status.disallowed == pytest.approx(80.0)  # 4 of 10 shares, $20 each
    (source,) = status.replacements
    assert (source.account_id, source.symbol, source.quantity, source.pending) == (
        "S1",
        "IVV",
        4.0,
        False,
    )


@pytest.mark.parametrize(
    ("pending_day", "unsafe"), [(AS_OF, True), ("2024-07-14", True), ("2024-07-15", False)]
)
def test_pending_purchase_within_30_days_makes_a_loss_unsafe(
    pending_day: str, unsafe: bool
) -> None:
    history = _loss_lot_history()
    pending = [_pending(pending_day, "IRA", "VOO", 20)]
    (status,) = loss_sale_check(
        history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF), pending, {"VOO": 380.0}
    )
    assert status.safe is not unsafe
    if unsafe:
        assert status.disallowed == pytest.approx(200.0)
        assert status.replacements[0].pending and status.replacements[0].permanent


def test_pending_purchases_of_accounts_outside_a_one_household_ledger_are_ignored() -> None:
    """A ledger replayed for H1 alone gets the whole pending.csv: another household's
    scheduled buy of the same security neither fails nor washes H1's loss (IRC §1091 looks at
    the taxpayer and spouse only)."""
    history = _loss_lot_history()
    household_only = {i: a for i, a in HOUSEHOLD.items() if a.household_id == "H1"}
    ledger = history.replay(household_only, SECURITIES)
    pending = [_pending(AS_OF, "Z1", "VOO", 20), _pending(AS_OF, "ELSEWHERE", "VOO", 20, row=2)]

    (status,) = loss_sale_check(ledger, "H1", day(AS_OF), pending, {"VOO": 380.0})

    assert status.safe and status.disallowed == 0.0


def test_pending_shares_already_promised_to_an_earlier_loss_do_not_count() -> None:
    """A waiting loss takes the scheduled purchase first (order of disposal), so nothing is
    left to replace a sale today."""
    history = _loss_lot_history()
    history.buy("2024-01-02", "S1", "VOO", 10, 420.0)
    history.sell("2024-06-10", "S1", "VOO", 10, 380.0)
    pending = [_pending("2024-06-20", "S1", "VOO", 10)]
    ledger = history.replay(HOUSEHOLD, SECURITIES)
    (status,) = loss_sale_check(ledger, "H1", day(AS_OF), pending, {"VOO": 380.0})
    assert status.safe


def test_rest_of_the_same_lot_is_not_its_own_replacement() -> None:
    history = History()
    history.buy("2024-06-01", "T1", "VOO", 10, 400.0)
    (status,) = loss_sale_check(
        history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF), [], {"VOO": 380.0}
    )
    assert status.safe


def test_missing_price_is_reported_against_prices_csv() -> None:
    history = _loss_lot_history()
    with pytest.raises(DataValidationError) as caught:
        loss_sale_check(history.replay(HOUSEHOLD, SECURITIES), "H1", day(AS_OF), [], {})
    assert caught.value.problems[0].file == "prices.csv"


def _trade_history() -> History:
    history = _loss_lot_history()
    history.buy("2024-01-02", "S1", "MSFT", 10, 300.0)
    history.sell("2024-06-01", "S1", "MSFT", 10, 280.0)  # a $200 loss waiting on MSFT
    history.buy("2024-01-02", "T1", "MSFT", 5, 250.0)
    return history


TRADES = [
    ProposedTrade("T1", "VOO", "sell", 10, lots=(("old", 10.0),)),
    ProposedTrade("T1", "MSFT", "buy", 4),
    ProposedTrade("T1", "IVV", "buy", 3),
]
PENDING = [
    _pending("2024-06-20", "IRA", "VOO", 2, row=1),
    _pending("2024-07-20", "S1", "VOO", 50, row=2),
]
PRICES = {"VOO": 380.0, "IVV": 381.0, "MSFT": 280.0}


def test_trade_list_disallowed_loss_equals_replay_after_the_trades() -> None:
    history = _trade_history()
    ledger = history.replay(HOUSEHOLD, SECURITIES)
    impact = disallowed_for_trades(ledger, "H1", day(AS_OF), TRADES, PENDING, PRICES)

    # The sale of 10 VOO: 3 IVV bought after it and 2 VOO pending in the IRA replace
    # 5 shares ($100); the 4 MSFT bought wash 4 of the 10 waiting MSFT loss shares ($80).
    sell, msft, ivv = impact.trades
    assert sell.disallowed == pytest.approx(100.0)
    assert sell.permanent == pytest.approx(40.0)
    assert msft.disallowed == pytest.approx(80.0)
    assert ivv.disallowed == 0.0  # its shares went to the sale of the same list
    assert impact.disallowed == pytest.approx(180.0)

    def replayed(with_trades: bool) -> float:
        after = _trade_history()
        if with_trades:
            after.sell(AS_OF, "T1", "VOO", 10, 380.0, lot_id="old")
            after.buy(AS_OF, "T1", "MSFT", 4, 280.0)
            after.buy(AS_OF, "T1", "IVV", 3, 381.0)
        after.buy("2024-06-20", "IRA", "VOO", 2, 380.0)
        return after.replay(HOUSEHOLD, SECURITIES).total_disallowed()

    assert impact.disallowed == pytest.approx(replayed(True) - replayed(False))
    assert ledger.total_disallowed() == 0.0  # the ledger itself is untouched


def test_trade_errors_name_the_proposed_trade() -> None:
    ledger = _trade_history().replay(HOUSEHOLD, SECURITIES)
    oversold = [ProposedTrade("T1", "VOO", "sell", 11)]
    with pytest.raises(DataValidationError) as caught:
        disallowed_for_trades(ledger, "H1", day(AS_OF), oversold, [], PRICES)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("proposed trades", 1, "quantity")
    elsewhere = [ProposedTrade("Z1", "VOO", "buy", 1)]
    with pytest.raises(DataValidationError):
        disallowed_for_trades(ledger, "H1", day(AS_OF), elsewhere, [], PRICES)


def test_questions_refuse_an_as_of_before_the_ledger() -> None:
    ledger = _trade_history().replay(HOUSEHOLD, SECURITIES)
    with pytest.raises(ValueError, match="after"):
        blocked_buys(ledger, "H1", day(AS_OF) - dt.timedelta(days=30))
