"""``Ledger.open_parts``: the cheap view of the open lots agrees with ``open_lots``."""

from __future__ import annotations

from tests.ledger.builders import History, account, accounts
from tools.ledger.holding import date_of

HOUSEHOLD = accounts(account("T1"), account("T2"), account("IRA", tax_type="traditional_ira"))


def test_open_parts_match_open_lots_field_for_field() -> None:
    """A partly washed lot (Treas. Reg. §1.1091-1(d): only the replacement shares matched
    carry the adjustment) splits into parts; both views must list the same parts in order.
    """
    history = History()
    history.buy("2024-01-02", "T2", "Y", 5, 20.00)
    history.buy("2024-01-02", "T1", "X", 10, 50.00)
    history.sell("2024-02-01", "T1", "X", 10, 40.00)  # a 100 loss
    history.buy("2024-02-10", "T1", "X", 4, 41.00)  # washes 4 shares' worth of it
    history.buy("2024-02-11", "IRA", "X", 3, 41.00)  # and 3 more, permanently
    history.buy("2024-02-12", "T2", "X", 8, 42.00)  # washes the last 3 of its 8 shares
    ledger = history.replay(HOUSEHOLD)

    lots = ledger.open_lots()
    parts = ledger.open_parts()

    assert [lot.account_id for lot in lots] == ["T1", "T2", "T2", "T2", "IRA"]
    assert [
        (
            part.account_id,
            part.symbol,
            part.lot_id,
            part.quantity,
            date_of(part.purchase_day),
            date_of(part.acquired_day),
            part.cost_basis,
            part.adjustment,
        )
        for part in parts
    ] == [
        (
            lot.account_id,
            lot.symbol,
            lot.lot_id,
            lot.quantity,
            lot.purchase_date,
            lot.acquired_date,
            lot.cost_basis,
            lot.wash_sale_adjustment,
        )
        for lot in lots
    ]
    assert [(p.symbol, p.quantity, p.adjustment) for p in ledger.open_parts("T2")] == [
        ("X", 3.0, 30.0),  # $10 a share disallowed, IRC §1091(d)
        ("X", 5.0, 0.0),
        ("Y", 5.0, 0.0),
    ]
