"""A broker's CSV export, read through a column mapping, into transactions.csv rows.

The file must be UTF-8 and carry every column the mapping names; each row is then read on
its own, and a row that cannot be read (a bad date, a number that is not one, an action
label the mapping does not know) is reported with its data row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from tools.errors import DataValidationError, Problem
from tools.importers.mapping import Mapping
from tools.importers.rows import BLANK_NUMBERS, ImportedRow, ParsedSource, money_cell
from tools.loading.source_file import read_source_file


def parse_mapped_csv(path: Path, mapping: Mapping, mapping_file: str) -> ParsedSource:
    """Read ``path`` through ``mapping``; raise ``DataValidationError`` for a bad file."""
    source, problems = read_source_file(path, required=True)
    if source is None or problems:
        raise DataValidationError(problems)
    if source.is_blank:
        raise DataValidationError.single(source.name, None, None, "file is empty")
    lines = source.data.decode("utf-8-sig").splitlines()
    if mapping.stop_at_blank_line:
        end = next((i for i, line in enumerate(lines) if i and not line.strip()), len(lines))
        lines = lines[:end]
    records = list(csv.reader(lines, skipinitialspace=True))
    header = [cell.strip() for cell in records[0]]
    _check_header(source.name, header, mapping, mapping_file)
    parsed = ParsedSource(source.name, mapping.name)
    reader = _Rows(parsed, mapping, header)
    width_problems: list[Problem] = []
    for row_number, cells in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            width_problems.append(
                Problem(
                    source.name,
                    row_number,
                    None,
                    f"row has {len(cells)} fields but the header has {len(header)}",
                )
            )
            continue
        reader.read(row_number, dict(zip(header, (cell.strip() for cell in cells), strict=True)))
    if width_problems:
        raise DataValidationError(width_problems)
    reader.check_duplicate_ids()
    return parsed


def _check_header(name: str, header: list[str], mapping: Mapping, mapping_file: str) -> None:
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    problems = [
        Problem(name, None, column, f"column '{column}' appears twice in the header")
        for column in repeated
    ]
    for field, column in mapping.columns.model_dump().items():
        if column is not None and column not in header:
            problems.append(
                Problem(
                    mapping_file,
                    None,
                    f"columns.{field}",
                    f"names column '{column}', which {name} does not have (its header: "
                    f"{', '.join(header)})",
                )
            )
    if problems:
        raise DataValidationError(problems)


class _Rows:
    """Turns one mapped CSV row at a time into ``ImportedRow``s and per-row problems."""

    def __init__(self, parsed: ParsedSource, mapping: Mapping, header: list[str]) -> None:
        self.parsed = parsed
        self.mapping = mapping
        self.columns = mapping.columns
        self.ids: dict[str, int] = {}
        self.duplicates: list[Problem] = []
        self.digests: Counter[str] = Counter()
        self.header = header

    def read(self, row: int, cells: dict[str, str]) -> None:
        problems_before = len(self.parsed.problems)
        source_id = self._source_id(row, cells)
        if self.mapping.layout == "lots":
            made = self._lot(row, cells, source_id)
        else:
            made = self._trade(row, cells, source_id)
        if made is not None and len(self.parsed.problems) == problems_before:
            self.parsed.rows.append(made)

    def check_duplicate_ids(self) -> None:
        if self.duplicates:
            raise DataValidationError(self.duplicates)

    # -- cells ----------------------------------------------------------------------------

    def _cell(self, cells: dict[str, str], field: str) -> str:
        column = getattr(self.columns, field)
        return cells.get(column, "") if column is not None else ""

    def _column(self, field: str) -> str:
        return getattr(self.columns, field) or field

    def _number(self, row: int, cells: dict[str, str], field: str) -> Decimal | None:
        try:
            return money_cell(self._cell(cells, field))
        except ValueError as error:
            self.parsed.block(row, self._column(field), str(error))
            return None

    def _date(self, row: int, cells: dict[str, str], field: str) -> dt.date | None:
        text = self._cell(cells, field)
        first = text.split(" as of ")[0].strip()
        try:
            return dt.datetime.strptime(first, self.mapping.date_format).date()
        except ValueError:
            self.parsed.block(
                row,
                self._column(field),
                f"'{text}' is not a date in the mapping's format {self.mapping.date_format}",
            )
            return None

    def _source_id(self, row: int, cells: dict[str, str]) -> str:
        """The broker's id when the mapping names one (duplicates are a bad file), else a
        digest of the row's cells, numbered when identical rows repeat."""
        own = self._cell(cells, "source_id")
        if self.columns.source_id is not None:
            if own in self.ids:
                self.duplicates.append(
                    Problem(
                        self.parsed.name,
                        row,
                        self.columns.source_id,
                        f"id '{own}' repeats row {self.ids[own]}: the file holds a duplicate",
                    )
                )
            self.ids.setdefault(own, row)
            return f"{self.mapping.name}:{own}"
        text = "\x1f".join(cells.get(column, "") for column in self.header)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        self.digests[digest] += 1
        count = self.digests[digest]
        return f"{self.mapping.name}:{digest}" + (f"#{count}" if count > 1 else "")

    def _lot_id(self, cells: dict[str, str], source_id: str) -> str:
        return self._cell(cells, "lot_id") or source_id.replace(":", "-")

    # -- layouts --------------------------------------------------------------------------

    def _lot(self, row: int, cells: dict[str, str], source_id: str) -> ImportedRow | None:
        symbol = self._cell(cells, "symbol")
        quantity = self._number(row, cells, "quantity")
        basis = self._number(row, cells, "cost_basis")
        if basis is None and self._cell(cells, "cost_basis") in BLANK_NUMBERS:
            self.parsed.block(
                row,
                self._column("cost_basis"),
                f"incomplete lot of {symbol}: no cost basis (lotwise does not guess a basis)",
            )
        acquired_text = self._cell(cells, "acquired_date")
        acquired = None
        if acquired_text.upper() in {"", "VARIOUS", "--"}:
            self.parsed.block(
                row,
                self._column("acquired_date"),
                f"incomplete lot of {symbol}: acquired date '{acquired_text}' is not one date",
            )
        else:
            acquired = self._date(row, cells, "acquired_date")
        if not symbol:
            self.parsed.block(row, self._column("symbol"), "symbol is missing")
        if quantity is None or acquired is None or basis is None:
            return None
        return ImportedRow(
            source_id=source_id,
            source_row=row,
            date=acquired,
            action="transfer_in",
            symbol=symbol,
            quantity=abs(quantity),
            lot_id=self._lot_id(cells, source_id),
            acquired_date=acquired,
            cost_basis=abs(basis),
            opening=True,
        )

    def _action(self, row: int, label: str) -> str | None:
        actions = self.mapping.actions
        if label in actions:
            return actions[label]
        self.parsed.block(
            row,
            self._column("action"),
            f"action '{label}' is not in the mapping (add it under actions: as buy, sell, "
            "reinvest, dividend, cash, skip or corporate_action)",
        )
        return None

    def _trade(self, row: int, cells: dict[str, str], source_id: str) -> ImportedRow | None:
        label = self._cell(cells, "action")
        action = self._action(row, label)
        if action is None:
            return None
        symbol = self._cell(cells, "symbol")
        if action == "skip":
            what = f"'{label}' {symbol}".strip()
            self.parsed.skip(row, self._column("action"), f"{what} not imported")
            return None
        if action == "corporate_action":
            self.parsed.block(
                row,
                self._column("action"),
                f"unsupported corporate action '{label}' on {symbol or 'the account'} "
                "(enter it by hand, e.g. as a split row)",
            )
            return None
        date = self._date(row, cells, "date")
        if action in ("dividend", "deposit", "withdraw", "cash"):
            return self._cash_row(
                row, cells=cells, source_id=source_id, date=date, action=action, symbol=symbol
            )
        quantity = self._number(row, cells, "quantity")
        price = self._number(row, cells, "price")
        fees = self._number(row, cells, "fees")
        if not symbol:
            self.parsed.block(row, self._column("symbol"), f"{label} needs a symbol")
        for field, value in (("quantity", quantity), ("price", price)):
            if value is None and self._cell(cells, field) in BLANK_NUMBERS:
                self.parsed.block(row, self._column(field), f"{label} needs a {field}")
        if date is None or quantity is None or price is None:
            return None
        return ImportedRow(
            source_id=source_id,
            source_row=row,
            date=date,
            action=action,
            symbol=symbol,
            quantity=abs(quantity),
            price=abs(price),
            fees=abs(fees) if fees is not None else None,
            lot_id=self._lot_id(cells, source_id)
            if action != "sell"
            else self._cell(cells, "lot_id"),
        )

    def _cash_row(
        self,
        row: int,
        *,
        cells: dict[str, str],
        source_id: str,
        date: dt.date | None,
        action: str,
        symbol: str,
    ) -> ImportedRow | None:
        field = "amount" if self.columns.amount is not None else "quantity"
        amount = self._number(row, cells, field)
        if amount is None:
            if self._cell(cells, field) in BLANK_NUMBERS:
                self.parsed.block(row, self._column(field), f"{action} needs an amount")
            return None
        if action == "cash":
            action = "deposit" if amount > 0 else "withdraw"
        if date is None:
            return None
        return ImportedRow(
            source_id=source_id,
            source_row=row,
            date=date,
            action=action,
            symbol=symbol if action == "dividend" else "",
            quantity=abs(amount),
        )
