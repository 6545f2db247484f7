"""What every importer produces: transactions.csv rows that remember their source, and the
problems found on the way, each marked as blocking (the import cannot be written) or not.

Money and quantities stay ``Decimal`` from the statement to the CSV cell, so an import writes
exactly the figures the custodian printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tools.errors import Problem
from tools.loading.transactions import TRANSACTION_COLUMNS as CONTRACT_COLUMNS

# transactions.csv columns in the order an import writes them (CONTRACTS §1); ``source_id``
# is the optional column that makes imports idempotent.
TRANSACTION_COLUMNS: tuple[str, ...] = (*CONTRACT_COLUMNS, "source_id")


BLANK_NUMBERS = frozenset({"", "--", "n/a", "N/A", "-"})


def money_cell(text: str) -> Decimal | None:
    """A broker's number cell: "$1,234.56", "-$12.00" or "(12.00)"; ``None`` when blank.

    Raises ``ValueError`` when the text is not a number.
    """
    if text.strip() in BLANK_NUMBERS:
        return None
    cleaned = text.replace("$", "").replace(",", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = Decimal(cleaned.strip("()"))
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number")
    return -value if negative else value


def decimal_text(value: Decimal | None) -> str:
    """A plain decimal cell: no exponent, no trailing zeros ("" for ``None``)."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


@dataclass(frozen=True)
class ImportedRow:
    """One transactions.csv row made from one record of a source file.

    ``source_id`` is stable across re-imports of the same record (a custodian's transaction
    id, or a digest of the record); ``source_row`` is where the record is in its file (data
    row of a CSV, line of an XML file) so problems can point back to it. ``opening`` marks a
    lot that was already held when the source begins: when the account already has a lot
    with that ``lot_id`` (from an earlier import) it is not added again.
    """

    source_id: str
    source_row: int | None
    date: dt.date
    action: str
    symbol: str = ""
    quantity: Decimal = Decimal(0)
    price: Decimal | None = None
    fees: Decimal | None = None
    lot_id: str = ""
    acquired_date: dt.date | None = None
    cost_basis: Decimal | None = None
    opening: bool = False

    def cells(self, account_id: str) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "account_id": account_id,
            "action": self.action,
            "symbol": self.symbol,
            "quantity": decimal_text(self.quantity),
            "price": decimal_text(self.price),
            "fees": decimal_text(self.fees) if self.fees else "",
            "lot_id": self.lot_id,
            "acquired_date": self.acquired_date.isoformat() if self.acquired_date else "",
            "cost_basis": decimal_text(self.cost_basis),
            "source_id": self.source_id,
        }


@dataclass(frozen=True)
class ImportProblem:
    """A problem with one record (or the whole file). Blocking problems stop ``--apply``;
    the others say what was left out and why."""

    problem: Problem
    blocking: bool

    def __str__(self) -> str:
        return str(self.problem)


@dataclass
class ParsedSource:
    """The rows a source file would add, and every problem met reading it."""

    name: str  # the file name problems cite
    kind: str  # "ibkr" or the mapping's name
    rows: list[ImportedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def block(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(ImportProblem(Problem(self.name, row, column, message), True))

    def skip(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(ImportProblem(Problem(self.name, row, column, message), False))
