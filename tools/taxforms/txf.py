"""Form 8949 sales as a TXF file (Tax Exchange Format, version 042), for tax software import.

Every taxable disposal becomes one detail record in record format 5: description, date
acquired, date sold, cost basis, sales net and the disallowed wash-sale loss (left empty when
there is none, as the format allows). The reference number says which part and box of Form
8949 the sale belongs to:

======  ====================  ==========================================
term    basis reported (A/D)  basis not reported to the IRS (B/E)
======  ====================  ==========================================
short   321                   711
long    323                   713
======  ====================  ==========================================

(712 and 714 are boxes C and F, sales without a Form 1099-B; 673 is for an unknown holding
period. The ledger always knows the term and every sale here comes from a broker account.)

A lot bought before 2011 is a noncovered security whose basis the broker does not report
(Treas. Reg. §1.6045-1(a)(15)); such sales go to box B or E. Amounts are whole dollars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from tools.ledger.report import reported_rows, shares
from tools.ledger.results import Disposal, Ledger
from tools.taxforms.rounding import rounded_adjustment, to_cents, whole_dollars

TXF_VERSION = "042"
# First acquisition date of a covered security for stock (Treas. Reg. §1.6045-1(a)(15)(i)).
COVERED_FROM = dt.date(2011, 1, 1)
REFNUMS = {("short", True): 321, ("short", False): 711, ("long", True): 323, ("long", False): 713}
NEWLINE = "\r\n"


@dataclass(frozen=True)
class TxfSale:
    """One Form 8949 row in whole dollars, as written to the TXF file."""

    refnum: int
    description: str
    acquired: dt.date
    sold: dt.date
    cost_basis: int
    proceeds: int
    wash_sale_disallowed: int  # 0: the field is left empty


def txf_sales(ledger: Ledger, year: int | None = None) -> list[TxfSale]:
    """The taxable disposals (of ``year`` when given), short-term first, in ledger order."""
    rows = [
        row
        for disposal in ledger.disposals
        if disposal.taxable and (year is None or disposal.sell_date.year == year)
        for row in reported_rows(disposal)
    ]
    return [_sale(row) for term in ("short", "long") for row in rows if row.term == term]


def _sale(row: Disposal) -> TxfSale:
    proceeds, basis = to_cents(row.proceeds), to_cents(row.cost_basis)
    covered = row.purchase_date >= COVERED_FROM
    return TxfSale(
        refnum=REFNUMS[(row.term, covered)],
        description=_ascii(f"{shares(row.quantity):g} sh {row.symbol}"),
        acquired=row.acquired_date,
        sold=row.sell_date,
        cost_basis=whole_dollars(basis),
        proceeds=whole_dollars(proceeds),
        wash_sale_disallowed=rounded_adjustment(
            proceeds, basis, to_cents(row.wash_sale_disallowed)
        ),
    )


def _ascii(text: str) -> str:
    """TXF is an ASCII format; anything else becomes '?'."""
    return text.encode("ascii", "replace").decode("ascii")


def txf_document(sales: list[TxfSale], exported: dt.date, program: str = "lotwise") -> str:
    """The whole file: header, then one record per sale, each ended by a ``^`` line."""
    return NEWLINE.join(_lines(sales, exported, program)) + NEWLINE


def _lines(sales: list[TxfSale], exported: dt.date, program: str) -> Iterator[str]:
    yield f"V{TXF_VERSION}"
    yield f"A{_ascii(program)}"
    yield f"D{exported:%m/%d/%Y}"
    yield "^"
    for sale in sales:
        yield "TD"
        yield f"N{sale.refnum}"
        yield "C1"
        yield "L1"
        yield f"P{sale.description}"
        yield f"D{sale.acquired:%m/%d/%Y}"
        yield f"D{sale.sold:%m/%d/%Y}"
        yield f"${sale.cost_basis}"
        yield f"${sale.proceeds}"
        yield f"${sale.wash_sale_disallowed}" if sale.wash_sale_disallowed else "$"
        yield "^"
