"""The household's wash-sale calendar around a run's as-of date, for the compliance report.

IRC §1091(a): a loss sale is disallowed when substantially identical shares are bought in any
account of the household (Rev. Rul. 2008-5 for IRAs) from 30 days before to 30 days after it.
So each loss sale opens a window in which buying its security washes the loss, and each
purchase (made or scheduled) opens a window in which selling at a loss is washed. The calendar
shows, per security (its wash key: identical securities share one row), the loss sales and
their blocked-buy windows, and the purchases, over [as_of - 30, as_of + 30] days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tools.dataset import PortfolioData
from tools.ledger import Ledger, wash_key_of
from tools.ledger.washsale import WINDOW_DAYS

BUY_ACTIONS = ("buy", "reinvest")


@dataclass
class CalendarRow:
    label: str  # the wash key's symbols, e.g. "ABC" or "ABC / ABC.B"
    loss_sales: list[dt.date] = field(default_factory=list)
    purchases: list[dt.date] = field(default_factory=list)  # made or scheduled
    proposed_sales: list[dt.date] = field(default_factory=list)  # this run's harvest sales
    harvest_blocked: bool = False  # the run skipped a loss of it for a wash-sale window

    def washing_windows(self) -> list[tuple[dt.date, dt.date]]:
        """Days on which selling this security at a loss is washed by a purchase (shown for
        securities whose harvest the run skipped for that reason)."""
        if not self.harvest_blocked:
            return []
        window = dt.timedelta(days=WINDOW_DAYS)
        return [(day - window, day + window) for day in self.purchases]

    def blocked_windows(self) -> list[tuple[dt.date, dt.date]]:
        """Days on which buying this security would wash a loss sale (IRC §1091(a))."""
        window = dt.timedelta(days=WINDOW_DAYS)
        return [(day, day + window) for day in (*self.loss_sales, *self.proposed_sales)]

    @property
    def last_event(self) -> dt.date:
        return max((*self.loss_sales, *self.purchases, *self.proposed_sales))


@dataclass(frozen=True)
class WashCalendar:
    start: dt.date
    as_of: dt.date
    end: dt.date
    rows: list[CalendarRow]  # loss sales first, then prevented harvests; latest first
    hidden: int  # rows with activity left out to keep the chart readable


def wash_calendar(
    data: PortfolioData,
    ledger: Ledger,
    household_id: str,
    proposed_loss_sales: Iterable[str],
    blocked_harvests: Iterable[str] = (),
    *,
    max_rows: int = 30,
) -> WashCalendar:
    """Loss sales, purchases and this run's harvest sales of the household, by wash key.

    ``blocked_harvests``: symbols whose loss the run did not harvest because of a purchase
    inside the window; their rows show the purchases and the windows they wash.
    """
    window = dt.timedelta(days=WINDOW_DAYS)
    as_of = data.as_of
    start, end = as_of - window, as_of + window
    accounts = set(data.households[household_id].account_ids)
    rows: dict[str, CalendarRow] = {}

    def row(symbol: str) -> CalendarRow:
        key = wash_key_of(symbol, data.securities)
        found = rows.get(key)
        if found is None:
            found = rows[key] = CalendarRow(label=symbol)
        elif symbol not in found.label.split(" / "):
            found.label += f" / {symbol}"
        return found

    for disposal in ledger.disposals:
        if (
            disposal.account_id in accounts
            and disposal.taxable
            and start <= disposal.sell_date <= as_of
            and disposal.proceeds < disposal.cost_basis
        ):
            row(disposal.symbol).loss_sales.append(disposal.sell_date)
    for transaction in data.transactions_until(as_of):
        if (
            transaction.account_id in accounts
            and transaction.action in BUY_ACTIONS
            and transaction.symbol
            and start <= transaction.date
        ):
            row(transaction.symbol).purchases.append(transaction.date)
    for pending in data.pending:
        if pending.account_id in accounts and as_of <= pending.date <= end:
            row(pending.symbol).purchases.append(pending.date)
    for symbol in proposed_loss_sales:
        row(symbol).proposed_sales.append(as_of)
    for symbol in blocked_harvests:
        row(symbol).harvest_blocked = True
    # Only securities where the rule bites: a loss sale (made, proposed or prevented).
    relevant = [
        r
        for r in rows.values()
        if r.loss_sales or r.proposed_sales or (r.harvest_blocked and r.purchases)
    ]
    # Loss sales (made or proposed) first, then prevented harvests; latest activity first.
    relevant.sort(
        key=lambda r: (bool(r.loss_sales or r.proposed_sales), r.last_event, r.label), reverse=True
    )
    for item in relevant:
        item.loss_sales = sorted(set(item.loss_sales))
        item.purchases = sorted(set(item.purchases))
    return WashCalendar(
        start=start,
        as_of=as_of,
        end=end,
        rows=relevant[:max_rows],
        hidden=max(len(relevant) - max_rows, 0),
    )
