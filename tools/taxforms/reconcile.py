"""Reconcile a broker's Form 1099-B with the household ledger, sale by sale.

A broker applies the wash-sale rule only within the account it keeps (Treas. Reg.
§1.6045-1(d)(6)(iii)(A): reporting covers purchases of identical securities in the same
account), while the taxpayer must apply it across every account of the household, spouse and
IRAs included (IRC §1091; Rev. Rul. 2008-5). So the differences that matter most are losses
the ledger disallows because of a purchase in another account, and basis or holding period
the ledger adjusted for the same reason. Every difference carries a reason code and a
sentence naming the other account's lot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tools.ledger.report import shares
from tools.ledger.results import Disposal, Ledger, WashSale
from tools.taxforms.form1099b import BrokerSale
from tools.taxforms.rounding import to_cents

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Difference:
    reason: str
    symbol: str
    date_sold: dt.date
    explanation: str
    broker: dict[str, Any] | None
    ledger: dict[str, Any] | None

    def document(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "symbol": self.symbol,
            "date_sold": self.date_sold.isoformat(),
            "explanation": self.explanation,
            "broker": _plain(self.broker),
            "ledger": _plain(self.ledger),
        }


def _plain(side: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-ready: Decimal money as numbers rounded to cents."""
    if side is None:
        return None
    return {
        key: float(value) if isinstance(value, Decimal) else value for key, value in side.items()
    }


@dataclass
class Reconciliation:
    account_id: str
    year: int
    matched: int = 0
    differences: list[Difference] = field(default_factory=list)
    totals: dict[str, dict[str, float]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "year": self.year,
            "matched_sales": self.matched,
            "differences": [difference.document() for difference in self.differences],
            "totals": self.totals,
        }


def reconcile_1099b(
    ledger: Ledger, account_id: str, year: int, sales: list[BrokerSale]
) -> Reconciliation:
    disposals = [
        disposal
        for disposal in ledger.disposals
        if disposal.account_id == account_id
        and disposal.taxable
        and disposal.sell_date.year == year
    ]
    result = Reconciliation(account_id, year)
    result.totals = {"broker": _broker_totals(sales), "ledger": _ledger_totals(disposals)}
    checker = _Checker(ledger, account_id, result)
    by_sale: dict[tuple[str, dt.date], list[Disposal]] = defaultdict(list)
    for disposal in disposals:
        by_sale[(disposal.symbol, disposal.sell_date)].append(disposal)
    broker_by_sale: dict[tuple[str, dt.date], list[BrokerSale]] = defaultdict(list)
    for sale in sales:
        broker_by_sale[(sale.symbol, sale.date_sold)].append(sale)
    for key, broker_rows in broker_by_sale.items():
        left = by_sale.pop(key, [])
        unpaired: list[BrokerSale] = []
        for sale in broker_rows:
            taken = _same_lot(sale, left)
            if taken:
                left = [disposal for disposal in left if disposal not in taken]
                checker.compare(sale, taken)
            else:
                unpaired.append(sale)
        if unpaired and left:
            checker.compare_many(unpaired, left)
        elif unpaired:
            for sale in unpaired:
                checker.missing_in_ledger(sale)
        else:
            for disposal in left:
                checker.missing_in_1099b(disposal)
    for left in by_sale.values():
        for disposal in left:
            checker.missing_in_1099b(disposal)
    result.differences.sort(key=lambda item: (item.date_sold, item.symbol, item.reason))
    return result


def _same_lot(sale: BrokerSale, disposals: list[Disposal]) -> list[Disposal]:
    """The ledger disposals of the lot this 1099-B row reports (same acquisition date, and
    the same share count when the broker gives one)."""
    if sale.date_acquired is None:
        return []
    dated = [
        disposal
        for disposal in disposals
        if sale.date_acquired in (disposal.purchase_date, disposal.acquired_date)
    ]
    if sale.quantity is None or not dated:
        return dated
    for disposal in dated:
        if abs(Decimal(repr(disposal.quantity)) - sale.quantity) < Decimal("0.000001"):
            return [disposal]
    total = sum(Decimal(repr(disposal.quantity)) for disposal in dated)
    return dated if abs(total - sale.quantity) < Decimal("0.000001") else []


def _broker_totals(sales: Iterable[BrokerSale]) -> dict[str, float]:
    rows = list(sales)
    return {
        "proceeds": float(sum((sale.proceeds for sale in rows), Decimal(0))),
        "cost_basis": float(sum((sale.cost_basis for sale in rows), Decimal(0))),
        "wash_sale_disallowed": float(
            sum((sale.wash_sale_disallowed for sale in rows), Decimal(0))
        ),
    }


def _ledger_totals(disposals: Iterable[Disposal]) -> dict[str, float]:
    rows = list(disposals)
    return {
        "proceeds": float(sum((to_cents(row.proceeds) for row in rows), Decimal(0))),
        "cost_basis": float(sum((to_cents(row.cost_basis) for row in rows), Decimal(0))),
        "wash_sale_disallowed": float(
            sum((to_cents(row.wash_sale_disallowed) for row in rows), Decimal(0))
        ),
    }


class _Checker:
    def __init__(self, ledger: Ledger, account_id: str, result: Reconciliation) -> None:
        self.account_id = account_id
        self.result = result
        self.washes_of_loss: dict[int, list[WashSale]] = defaultdict(list)
        self.washes_into_lot: dict[str, list[WashSale]] = defaultdict(list)
        for wash in ledger.wash_sales:
            self.washes_of_loss[wash.loss_seq].append(wash)
            if wash.replacement_account_id == account_id and wash.loss_account_id != account_id:
                self.washes_into_lot[wash.replacement_lot_id].append(wash)

    def compare_many(self, sales: list[BrokerSale], disposals: list[Disposal]) -> None:
        """Rows the broker aggregated (``VARIOUS``) against the ledger's lots, in total."""
        combined = BrokerSale(
            row=sales[0].row,
            description="; ".join(sale.description for sale in sales),
            symbol=sales[0].symbol,
            quantity=None,
            date_acquired=None,
            date_sold=sales[0].date_sold,
            proceeds=sum((sale.proceeds for sale in sales), Decimal(0)),
            cost_basis=sum((sale.cost_basis for sale in sales), Decimal(0)),
            wash_sale_disallowed=sum((sale.wash_sale_disallowed for sale in sales), Decimal(0)),
            term=sales[0].term if len({sale.term for sale in sales}) == 1 else "mixed",
        )
        self.compare(combined, disposals)

    def compare(self, sale: BrokerSale, disposals: list[Disposal]) -> None:
        ledger = _ledger_side(disposals)
        broker = _broker_side(sale)
        tolerance = CENT * len(disposals)
        found = False
        wash_gap = ledger["wash_sale_disallowed"] - sale.wash_sale_disallowed
        if abs(wash_gap) > tolerance:
            found = True
            self._wash_difference(sale, disposals, wash_gap, broker, ledger)
        if abs(ledger["proceeds"] - sale.proceeds) > tolerance:
            found = True
            self._add(
                "proceeds_differ",
                sale,
                f"proceeds {sale.proceeds} on the 1099-B, {ledger['proceeds']} in the ledger "
                "(check the sale price and fees in transactions.csv)",
                broker,
                ledger,
            )
        basis_gap = ledger["cost_basis"] - sale.cost_basis
        if abs(basis_gap) > tolerance:
            found = True
            self._basis_difference(sale, disposals, basis_gap, broker, ledger)
        terms = {disposal.term for disposal in disposals}
        if sale.term != "mixed" and terms != {sale.term}:
            found = True
            tacked = [d for d in disposals if d.acquired_day != d.purchase_day]
            why = (
                "the ledger tacked the holding period of a washed loss onto the replacement "
                "(IRC §1223(3)); the broker did not see that wash sale"
                if tacked
                else "check the acquired dates"
            )
            self._add(
                "term_differs",
                sale,
                f"{sale.term}-term on the 1099-B, {'/'.join(sorted(terms))}-term in the "
                f"ledger: {why}",
                broker,
                ledger,
            )
        if not found:
            self.result.matched += 1

    def _wash_difference(
        self,
        sale: BrokerSale,
        disposals: list[Disposal],
        gap: Decimal,
        broker: dict[str, Any],
        ledger: dict[str, Any],
    ) -> None:
        elsewhere = [
            wash
            for disposal in disposals
            for wash in self.washes_of_loss[disposal.seq]
            if wash.replacement_account_id != self.account_id
        ]
        if gap > 0 and elsewhere:
            named = "; ".join(
                f"{shares(wash.quantity):g} sh {wash.replacement_symbol} bought "
                f"{wash.replacement_date.isoformat()} in {wash.replacement_account_id} "
                f"(lot {wash.replacement_lot_id}"
                + (", an IRA-type account: the loss is lost for good" if wash.permanent else "")
                + ")"
                for wash in elsewhere
            )
            self._add(
                "cross_account_wash_sale",
                sale,
                f"the ledger disallows {ledger['wash_sale_disallowed']} of this loss, the "
                f"broker {sale.wash_sale_disallowed}: the replacement is in another account the "
                f"broker cannot see: {named}. Report the ledger's figure (Form 8949 code W).",
                broker,
                ledger,
            )
        elif gap < 0:
            self._add(
                "wash_sale_not_in_ledger",
                sale,
                f"the broker disallows {sale.wash_sale_disallowed}, the ledger "
                f"{ledger['wash_sale_disallowed']}: a replacement purchase the broker saw is "
                "missing from transactions.csv, or was sold again in the same account",
                broker,
                ledger,
            )
        else:
            self._add(
                "wash_sale_differs",
                sale,
                f"the ledger disallows {ledger['wash_sale_disallowed']}, the broker "
                f"{sale.wash_sale_disallowed}",
                broker,
                ledger,
            )

    def _basis_difference(
        self,
        sale: BrokerSale,
        disposals: list[Disposal],
        gap: Decimal,
        broker: dict[str, Any],
        ledger: dict[str, Any],
    ) -> None:
        carried = [wash for d in disposals for wash in self.washes_into_lot.get(d.lot_id, [])]
        if carried and gap > 0:
            named = "; ".join(
                f"loss of {wash.loss_account_id} lot {wash.loss_lot_id} sold "
                f"{wash.sell_date.isoformat()}, {wash.disallowed:.2f} disallowed"
                for wash in carried
            )
            self._add(
                "basis_adjusted_by_cross_account_wash",
                sale,
                f"basis {ledger['cost_basis']} in the ledger, {sale.cost_basis} on the 1099-B: "
                f"the ledger added a loss disallowed in another account to these shares "
                f"(IRC §1091(d)): {named}. Adjust column (g) by the difference.",
                broker,
                ledger,
            )
            return
        self._add(
            "basis_differs",
            sale,
            f"basis {sale.cost_basis} on the 1099-B, {ledger['cost_basis']} in the ledger "
            "(check the lot's cost basis and fees in transactions.csv)",
            broker,
            ledger,
        )

    def missing_in_ledger(self, sale: BrokerSale) -> None:
        self._add(
            "missing_in_ledger",
            sale,
            f"1099-B row {sale.row} ({sale.description}) has no sale in the ledger for "
            f"{self.account_id}: import the trade",
            _broker_side(sale),
            None,
        )

    def missing_in_1099b(self, disposal: Disposal) -> None:
        self.result.differences.append(
            Difference(
                "missing_in_1099b",
                disposal.symbol,
                disposal.sell_date,
                f"the ledger sells {shares(disposal.quantity):g} sh of lot {disposal.lot_id} "
                "with no matching 1099-B row",
                None,
                _ledger_side([disposal]),
            )
        )

    def _add(
        self,
        reason: str,
        sale: BrokerSale,
        explanation: str,
        broker: dict[str, Any] | None,
        ledger: dict[str, Any] | None,
    ) -> None:
        self.result.differences.append(
            Difference(reason, sale.symbol, sale.date_sold, explanation, broker, ledger)
        )


def _broker_side(sale: BrokerSale) -> dict[str, Any]:
    return {
        "row": sale.row,
        "description": sale.description,
        "date_acquired": sale.date_acquired.isoformat() if sale.date_acquired else "VARIOUS",
        "proceeds": float(sale.proceeds),
        "cost_basis": float(sale.cost_basis),
        "wash_sale_disallowed": float(sale.wash_sale_disallowed),
        "term": sale.term,
    }


def _ledger_side(disposals: list[Disposal]) -> dict[str, Any]:
    return {
        "lot_ids": sorted({disposal.lot_id for disposal in disposals}),
        "quantity": shares(sum(disposal.quantity for disposal in disposals)),
        "date_acquired": sorted({d.acquired_date.isoformat() for d in disposals}),
        "proceeds": sum((to_cents(d.proceeds) for d in disposals), Decimal(0)),
        "cost_basis": sum((to_cents(d.cost_basis) for d in disposals), Decimal(0)),
        "wash_sale_disallowed": sum(
            (to_cents(d.wash_sale_disallowed) for d in disposals), Decimal(0)
        ),
        "terms": sorted({disposal.term for disposal in disposals}),
    }
