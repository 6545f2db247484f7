"""The ledger's outside formats: the contract JSON (docs/CONTRACTS.md §2) and a Form 8949
style CSV. Money is rounded to cents here, at the edge (``tools.tolerances.cents``, never
-0.00); what counts as a loss or a disallowance follows the cent rule of ``tools.tolerances``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from tools.ledger.results import Disposal, Ledger
from tools.tolerances import cents, under_a_cent

QUANTITY_DECIMALS = 6  # enough for fractional shares, drops float dust from splits
FORM_8949_COLUMNS = (
    "part",
    "description",
    "date_acquired",
    "date_sold",
    "proceeds",
    "cost_basis",
    "code",
    "adjustment",
    "gain",
)
WASH_SALE_CODE = "W"  # Form 8949 instructions, column (f): nondeductible wash-sale loss


def shares(quantity: float) -> float:
    return round(float(quantity) + 0.0, QUANTITY_DECIMALS)


def reported_rows(disposal: Disposal) -> Iterator[Disposal]:
    """The disposal as reported: split in two when only part of its loss is disallowed.

    The washed shares carry the whole disallowance (Treas. Reg. §1.1091-1(c): the loss on
    the other shares stays deductible); both rows keep the lot_id. Amounts are compared in
    cents: a disallowance under a cent is no wash-sale adjustment on the form, and a loss
    disallowed but for less than a cent is disallowed whole.
    """
    disallowed = disposal.wash_sale_disallowed
    loss = disposal.loss
    if under_a_cent(disallowed) or under_a_cent(loss - disallowed):
        yield disposal
        return
    washed = disallowed / loss
    for share, row_disallowed in ((washed, disallowed), (1.0 - washed, 0.0)):
        yield Disposal(
            account_id=disposal.account_id,
            symbol=disposal.symbol,
            lot_id=disposal.lot_id,
            quantity=disposal.quantity * share,
            purchase_day=disposal.purchase_day,
            acquired_day=disposal.acquired_day,
            sell_day=disposal.sell_day,
            proceeds=disposal.proceeds * share,
            cost_basis=disposal.cost_basis * share,
            row=disposal.row,
            taxable=disposal.taxable,
            seq=disposal.seq,
            wash_sale_disallowed=row_disallowed,
        )


def ledger_document(ledger: Ledger) -> dict[str, Any]:
    """The ``lotwise ledger --format json`` object (plus the optional ``cash`` by account)."""
    disposals = [
        {
            "account_id": row.account_id,
            "symbol": row.symbol,
            "lot_id": row.lot_id,
            "quantity": shares(row.quantity),
            "acquired_date": row.acquired_date.isoformat(),
            "sell_date": row.sell_date.isoformat(),
            "proceeds": cents(row.proceeds),
            "cost_basis": cents(row.cost_basis),
            "wash_sale_disallowed": cents(row.wash_sale_disallowed),
            "gain": cents(row.gain),
            "term": row.term,
        }
        for disposal in ledger.disposals
        for row in reported_rows(disposal)
    ]
    open_lots = [
        {
            "account_id": lot.account_id,
            "symbol": lot.symbol,
            "lot_id": lot.lot_id,
            "quantity": shares(lot.quantity),
            "purchase_date": lot.purchase_date.isoformat(),
            "acquired_date": lot.acquired_date.isoformat(),
            "cost_basis": cents(lot.cost_basis),
            "wash_sale_adjustment": cents(lot.wash_sale_adjustment),
        }
        for lot in ledger.open_lots()
    ]
    wash_sales = [
        {
            "loss_account_id": wash.loss_account_id,
            "loss_lot_id": wash.loss_lot_id,
            "sell_date": wash.sell_date.isoformat(),
            "replacement_account_id": wash.replacement_account_id,
            "replacement_lot_id": wash.replacement_lot_id,
            "quantity": shares(wash.quantity),
            "disallowed": cents(wash.disallowed),
            "permanent": wash.permanent,
        }
        for wash in ledger.wash_sales
    ]
    return {
        "disposals": disposals,
        "open_lots": open_lots,
        "wash_sales": wash_sales,
        "cash": {account: cents(amount) for account, amount in ledger.cash.items()},
    }


def form_8949_csv(ledger: Ledger) -> str:
    """Form 8949-style rows of the taxable accounts: Part I (short-term), then Part II.

    Column ``part`` is ``short`` or ``long``; ``adjustment`` is the disallowed wash-sale loss
    (column g, code W) and ``gain`` is column h. Dispositions inside IRA-type accounts are
    not reportable and are left out.
    """
    rows = [
        row for disposal in ledger.disposals if disposal.taxable for row in reported_rows(disposal)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FORM_8949_COLUMNS)
    for term in ("short", "long"):
        for row in rows:
            if row.term != term:
                continue
            washed = not under_a_cent(row.wash_sale_disallowed)
            description = f"{shares(row.quantity):g} sh {row.symbol}"
            writer.writerow(
                (
                    term,
                    f"{description} ({row.account_id}, lot {row.lot_id})",
                    row.acquired_date.isoformat(),
                    row.sell_date.isoformat(),
                    f"{cents(row.proceeds):.2f}",
                    f"{cents(row.cost_basis):.2f}",
                    WASH_SALE_CODE if washed else "",
                    f"{cents(row.wash_sale_disallowed):.2f}" if washed else "",
                    f"{cents(row.gain):.2f}",
                )
            )
    return buffer.getvalue()
