"""Column mappings: how one broker's CSV export maps onto transactions.csv.

A mapping is a small YAML file (see ``tools/importers/mappings/`` and docs/importing.md):
which broker column feeds each lotwise field, how the broker writes dates, and what each of
its action labels means. Shipped mappings are found by name; any other path is read as is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from tools.errors import DataValidationError, Problem
from tools.loading.source_file import read_source_file

SHIPPED = Path(__file__).parent / "mappings"
# What a broker's action label may map to: a transactions.csv action, ``cash`` (a deposit or
# withdrawal by the sign of the amount), ``skip`` (reported, not imported) or
# ``corporate_action`` (reported as unsupported: blocking, the position would be wrong).
MappedAction = Literal[
    "buy", "sell", "reinvest", "dividend", "deposit", "withdraw", "cash", "skip", "corporate_action"
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Columns(_Strict):
    """Broker column header for each lotwise field (``None``: the broker has no such column)."""

    symbol: str
    quantity: str
    date: str | None = None
    action: str | None = None
    price: str | None = None
    fees: str | None = None
    amount: str | None = None
    lot_id: str | None = None
    acquired_date: str | None = None
    cost_basis: str | None = None
    source_id: str | None = None


class Mapping(_Strict):
    name: str
    layout: Literal["trades", "lots"]  # trade history, or a snapshot of open lots
    date_format: str = "%Y-%m-%d"
    stop_at_blank_line: bool = False  # exports that end with a blank line and a disclaimer
    columns: Columns
    actions: dict[str, MappedAction] = {}

    def required_fields(self) -> tuple[str, ...]:
        if self.layout == "lots":
            return ("symbol", "quantity", "acquired_date", "cost_basis")
        return ("date", "action", "symbol", "quantity", "price")


def shipped_mappings() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def load_mapping(name_or_path: str) -> tuple[Mapping, str]:
    """A shipped mapping by name (``schwab-transactions``) or a YAML file by path, with the
    file name problems cite."""
    path = SHIPPED / f"{name_or_path}.yaml"
    if not path.exists():
        path = Path(name_or_path)
    source, problems = read_source_file(path, required=True, tabular=False)
    if source is None or problems:
        if source is None and not path.exists():
            shipped = ", ".join(shipped_mappings())
            problems = [
                Problem(path.name, None, None, f"no such mapping file (shipped: {shipped})")
            ]
        raise DataValidationError(problems)
    try:
        document = yaml.safe_load(source.data.decode("utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataValidationError.single(
            source.name, line, None, f"not valid YAML: {error}"
        ) from error
    try:
        mapping = Mapping.model_validate(document)
    except ValidationError as error:
        raise DataValidationError(
            [
                Problem(
                    source.name,
                    None,
                    ".".join(str(part) for part in issue["loc"]) or None,
                    issue["msg"],
                )
                for issue in error.errors()
            ]
        ) from error
    missing = [
        field for field in mapping.required_fields() if getattr(mapping.columns, field) is None
    ]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    source.name,
                    None,
                    f"columns.{field}",
                    f"a {mapping.layout} mapping needs a column for {field}",
                )
                for field in missing
            ]
        )
    return mapping, source.name
