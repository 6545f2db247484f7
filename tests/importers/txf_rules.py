"""An independent reader of TXF files that enforces the version 042 rules lotwise relies on.

Written from the specification, not from the exporter: header ``V042``/``A``/``D`` then
``^``; detail records ``TD``, ``N`` (a Form 8949 reference number), ``C`` (1-255), ``L``
(positive), ``P`` (security), two ``D`` dates MM/DD/YYYY (acquired, sold), then ``$`` cost
basis, ``$`` sales net and, in record format 5, a ``$`` disallowed wash-sale amount (empty
when none); each record ends with ``^``. ASCII only, one line ending style throughout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

FORM_8949_REFNUMS = {321, 711, 712, 323, 713, 714, 673}
LONG_TERM = {323, 713, 714}
_AMOUNT = re.compile(r"^-?\d+(\.\d{2})?$")


class TxfError(ValueError):
    pass


@dataclass(frozen=True)
class Record:
    refnum: int
    security: str
    acquired: dt.date | None
    sold: dt.date
    cost_basis: Decimal | None
    proceeds: Decimal
    disallowed: Decimal | None  # None: field empty or record format 4


def parse_txf(text: str) -> tuple[dt.date, list[Record]]:
    if not text.isascii():
        raise TxfError("TXF files are ASCII")
    endings = set(re.findall(r"\r\n|\n", text))
    if len(endings) != 1:
        raise TxfError(f"mixed line endings {endings}")
    lines = text.splitlines()
    if lines[:1] != ["V042"]:
        raise TxfError(f"first line must be V042, got {lines[:1]}")
    if not lines[1].startswith("A") or len(lines[1]) < 2:
        raise TxfError("second line must name the program (A...)")
    exported = _date(lines[2], "export date")
    if lines[3] != "^":
        raise TxfError("header must end with ^")
    records: list[Record] = []
    current: list[str] = []
    for number, line in enumerate(lines[4:], start=5):
        if line == "^":
            records.append(_record(current, number))
            current = []
        else:
            current.append(line)
    if current:
        raise TxfError("last record is not ended by ^")
    return exported, records


def _date(line: str, what: str) -> dt.date:
    if not line.startswith("D"):
        raise TxfError(f"{what}: expected a D line, got {line!r}")
    try:
        return dt.datetime.strptime(line[1:].strip(), "%m/%d/%Y").date()
    except ValueError as error:
        raise TxfError(f"{what}: {line!r} is not MM/DD/YYYY") from error


def _amount(line: str, what: str, *, optional: bool) -> Decimal | None:
    if not line.startswith("$"):
        raise TxfError(f"{what}: expected a $ line, got {line!r}")
    value = line[1:]
    if value == "" and optional:
        return None
    if not _AMOUNT.match(value):
        raise TxfError(f"{what}: {line!r} is not an amount")
    return Decimal(value)


def _record(fields: list[str], line: int) -> Record:
    if len(fields) not in (9, 10):
        raise TxfError(f"record ending on line {line} has {len(fields)} fields, not 9 or 10")
    if fields[0] != "TD":
        raise TxfError(f"record ending on line {line}: type must be TD, got {fields[0]!r}")
    if not re.fullmatch(r"N\d+", fields[1]) or int(fields[1][1:]) not in FORM_8949_REFNUMS:
        raise TxfError(f"record ending on line {line}: {fields[1]!r} is not a Form 8949 refnum")
    if not re.fullmatch(r"C\d+", fields[2]) or not 1 <= int(fields[2][1:]) <= 255:
        raise TxfError(f"record ending on line {line}: bad copy {fields[2]!r}")
    if not re.fullmatch(r"L\d+", fields[3]) or int(fields[3][1:]) < 1:
        raise TxfError(f"record ending on line {line}: bad line {fields[3]!r}")
    if not fields[4].startswith("P") or len(fields[4]) < 2:
        raise TxfError(f"record ending on line {line}: no security description")
    acquired = None if fields[5] == "D" else _date(fields[5], "date acquired")
    sold = _date(fields[6], "date sold")
    if acquired is not None and acquired > sold:
        raise TxfError(f"record ending on line {line}: acquired after sold")
    cost = _amount(fields[7], "cost basis", optional=True)
    proceeds = _amount(fields[8], "sales net", optional=False)
    disallowed = _amount(fields[9], "wash sale", optional=True) if len(fields) == 10 else None
    if disallowed is not None:
        if disallowed <= 0:
            raise TxfError(f"record ending on line {line}: a disallowed loss must be positive")
        if cost is None or proceeds is None or disallowed > cost - proceeds:
            raise TxfError(f"record ending on line {line}: disallowed more than the loss")
    assert proceeds is not None
    return Record(int(fields[1][1:]), fields[4][1:], acquired, sold, cost, proceeds, disallowed)
