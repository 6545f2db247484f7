"""The independent wash-sale check, on hand-made fill histories."""

from __future__ import annotations

import datetime as dt

from evals.backtest.orders import Fill
from evals.backtest.washcheck import wash_sale_violations
from tools.ledger import Disposal

DAY = dt.date(2026, 3, 2)


def buy(row: int, days: int, lot: str, key: str = "symbol:AAA", quantity: float = 10.0) -> Fill:
    return Fill(
        row, DAY + dt.timedelta(days=days), "AAA", key, "buy", quantity, 10.0, 0.0, lot, "invest"
    )


def sale(row: int, days: int, lot: str, quantity: float = 10.0) -> Fill:
    return Fill(
        row,
        DAY + dt.timedelta(days=days),
        "AAA",
        "symbol:AAA",
        "sell",
        quantity,
        8.0,
        0.0,
        lot,
        "harvest",
    )


def loss(row: int, days: int, lot: str, disallowed: float = 0.0) -> Disposal:
    when = DAY + dt.timedelta(days=days)
    return Disposal(
        "acct", "AAA", lot, 10.0, DAY, DAY, when, 80.0, 100.0, row, True, row, disallowed
    )


def test_repurchase_inside_the_window_claimed_in_full_is_a_violation() -> None:
    fills = [buy(1, 0, "a"), sale(2, 40, "a"), buy(3, 50, "b")]
    found = wash_sale_violations(fills, [loss(2, 40, "a")])
    assert [(v.sale_row, v.replacement_lot_id) for v in found] == [(2, "b")]


def test_a_disallowed_loss_is_not_a_violation() -> None:
    fills = [buy(1, 0, "a"), sale(2, 40, "a"), buy(3, 50, "b")]
    assert wash_sale_violations(fills, [loss(2, 40, "a", disallowed=20.0)]) == []


def test_repurchase_on_day_31_is_clean() -> None:
    fills = [buy(1, 0, "a"), sale(2, 40, "a"), buy(3, 71, "b")]
    assert wash_sale_violations(fills, [loss(2, 40, "a")]) == []


def test_purchase_30_days_before_counts() -> None:
    fills = [buy(1, 0, "a"), buy(2, 10, "b"), sale(3, 40, "a")]
    assert len(wash_sale_violations(fills, [loss(3, 40, "a")])) == 1


def test_the_lot_sold_itself_is_no_replacement() -> None:
    fills = [buy(1, 0, "a"), sale(2, 20, "a")]
    assert wash_sale_violations(fills, [loss(2, 20, "a")]) == []


def test_a_lot_sold_whole_before_the_loss_sale_is_no_replacement() -> None:
    fills = [buy(1, 0, "a"), buy(2, 10, "b"), sale(3, 12, "b"), sale(4, 40, "a")]
    assert wash_sale_violations(fills, [loss(4, 40, "a")]) == []


def test_substantially_identical_share_class_counts() -> None:
    fills = [buy(1, 0, "a", key="group:X"), sale(2, 40, "a"), buy(3, 45, "b", key="group:X")]
    fills[1] = Fill(2, fills[1].date, "AAA", "group:X", "sell", 10.0, 8.0, 0.0, "a", "harvest")
    assert len(wash_sale_violations(fills, [loss(2, 40, "a")])) == 1


def test_a_gain_is_never_a_violation() -> None:
    fills = [buy(1, 0, "a"), sale(2, 40, "a"), buy(3, 45, "b")]
    gain = Disposal("acct", "AAA", "a", 10.0, DAY, DAY, DAY, 120.0, 100.0, 2, True, 2)
    assert wash_sale_violations(fills, [gain]) == []
