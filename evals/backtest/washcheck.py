"""Wash-sale violations, re-derived from the fill history alone (not from the ledger's matcher).

A violation is a sale at a loss that the strategy's books claim in full (nothing disallowed)
although a substantially identical security was bought within 30 days before or after it
(IRC §1091(a)). Not replacements: the shares of the lot sold itself (Rev. Rul. 56-602), and a
lot already sold whole by the day of the loss sale (it cannot be matched any more, the same
reading the ledger engine uses). The check sees every purchase as one, including the ones the
``immediate_repurchase`` baseline books as transfers, so it counts that baseline's violations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from evals.backtest.orders import Fill
from tools.ledger import Disposal
from tools.ledger.washsale import WINDOW_DAYS
from tools.tolerances import POSITION_TOLERANCE, under_a_cent


@dataclass(frozen=True)
class Violation:
    sale_row: int
    sell_date: dt.date
    symbol: str
    lot_id: str
    loss: float  # claimed in full
    replacement_lot_id: str
    replacement_date: dt.date


def wash_sale_violations(fills: Sequence[Fill], disposals: Sequence[Disposal]) -> list[Violation]:
    """Every loss sale claimed in full with a replacement purchase inside the window."""
    loss_by_row: dict[int, float] = defaultdict(float)
    disallowed_by_row: dict[int, float] = defaultdict(float)
    for disposal in disposals:
        loss_by_row[disposal.row] += disposal.loss
        disallowed_by_row[disposal.row] += disposal.wash_sale_disallowed
    closed = _closing_dates(fills)
    purchases: dict[str, list[Fill]] = defaultdict(list)
    for fill in fills:
        if fill.side == "buy":
            purchases[fill.wash_key].append(fill)
    window = dt.timedelta(days=WINDOW_DAYS)
    found = []
    for sale in fills:
        loss = loss_by_row.get(sale.row, 0.0)
        if sale.side != "sell" or under_a_cent(loss):
            continue
        if not under_a_cent(disallowed_by_row.get(sale.row, 0.0)):
            continue  # the books disallow (part of) it: not claimed as a full loss
        for buy in purchases[sale.wash_key]:
            if (
                abs(buy.date - sale.date) <= window
                and buy.lot_id != sale.lot_id
                and not closed.get(buy.lot_id, dt.date.max) <= sale.date
            ):
                found.append(
                    Violation(
                        sale.row, sale.date, sale.symbol, sale.lot_id, loss, buy.lot_id, buy.date
                    )
                )
                break
    return found


def _closing_dates(fills: Sequence[Fill]) -> dict[str, dt.date]:
    """Date on which each purchased lot had been sold whole."""
    bought = {f.lot_id: f.quantity for f in fills if f.side == "buy"}
    sold: dict[str, float] = defaultdict(float)
    closed: dict[str, dt.date] = {}
    for fill in fills:
        if fill.side == "sell" and fill.lot_id in bought:
            sold[fill.lot_id] += fill.quantity
            if sold[fill.lot_id] >= bought[fill.lot_id] - POSITION_TOLERANCE:
                closed.setdefault(fill.lot_id, fill.date)
    return closed
