"""A broker's Form 1099-B as CSV: one row per sale, as the broker reported it.

Columns: ``description, date_acquired, date_sold, proceeds, cost_basis, wash_sale_disallowed,
term`` (boxes 1a, 1b, 1c, 1d, 1e, 1g and the short/long check boxes), plus optional ``symbol``
and ``quantity`` (read from the description, "100 sh AAA", when absent). ``date_acquired``
may be ``VARIOUS``; money may carry "$" and thousands separators.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tools.errors import DataValidationError, Problem
from tools.importers.rows import money_cell
from tools.loading.csv_reader import TableSpec, read_table_or_raise

FORM_1099B = TableSpec(
    "1099-B",
    (
        "description",
        "date_acquired",
        "date_sold",
        "proceeds",
        "cost_basis",
        "wash_sale_disallowed",
        "term",
    ),
)
_DESCRIPTION = re.compile(r"^\s*([\d,]*\.?\d+)\s*(?:sh|shs|shares?)\.?\s+(?:of\s+)?([A-Za-z.\-]+)")
_TERMS = {"short": "short", "short-term": "short", "st": "short", "s": "short"} | {
    "long": "long",
    "long-term": "long",
    "lt": "long",
    "l": "long",
}


@dataclass(frozen=True)
class BrokerSale:
    row: int
    description: str
    symbol: str
    quantity: Decimal | None
    date_acquired: dt.date | None  # None: "VARIOUS"
    date_sold: dt.date
    proceeds: Decimal
    cost_basis: Decimal
    wash_sale_disallowed: Decimal
    term: str


def load_1099b(path: Path) -> tuple[str, list[BrokerSale]]:
    """The file name and its sales; ``DataValidationError`` lists every bad cell."""
    table = read_table_or_raise(path, FORM_1099B)
    sales: list[BrokerSale] = []
    problems: list[Problem] = []
    for index, cells in enumerate(table.frame.to_dict("records"), start=1):
        sale = _sale(table.name, index, {str(k): str(v).strip() for k, v in cells.items()})
        if isinstance(sale, BrokerSale):
            sales.append(sale)
        else:
            problems += sale
    if problems:
        raise DataValidationError(problems)
    return table.name, sales


def _sale(name: str, row: int, cells: dict[str, str]) -> BrokerSale | list[Problem]:
    problems: list[Problem] = []

    def money(column: str, blank_is_zero: bool = False) -> Decimal:
        try:
            value = money_cell(cells[column])
        except ValueError as error:
            problems.append(Problem(name, row, column, str(error)))
            return Decimal(0)
        if value is None and not blank_is_zero:
            problems.append(Problem(name, row, column, f"{column} is missing"))
        return value if value is not None else Decimal(0)

    def date(column: str) -> dt.date | None:
        text = cells[column]
        if column == "date_acquired" and text.upper() == "VARIOUS":
            return None
        for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        problems.append(Problem(name, row, column, f"'{text}' is not a date (YYYY-MM-DD)"))
        return None

    described = _DESCRIPTION.match(cells["description"])
    symbol = cells.get("symbol") or (described.group(2).upper() if described else "")
    if not symbol:
        problems.append(
            Problem(name, row, "description", "no symbol: add a symbol column or '100 sh XYZ'")
        )
    quantity_text = cells.get("quantity") or (described.group(1) if described else "")
    try:
        quantity = money_cell(quantity_text)
    except ValueError as error:
        problems.append(Problem(name, row, "quantity", str(error)))
        quantity = None
    term = _TERMS.get(cells["term"].lower())
    if term is None:
        problems.append(Problem(name, row, "term", f"'{cells['term']}' is not short or long"))
    acquired, sold = date("date_acquired"), date("date_sold")
    proceeds, basis = money("proceeds"), money("cost_basis")
    wash = money("wash_sale_disallowed", blank_is_zero=True)
    if problems or sold is None or term is None:
        return problems
    return BrokerSale(
        row, cells["description"], symbol, quantity, acquired, sold, proceeds, basis, wash, term
    )
