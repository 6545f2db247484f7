"""A columnar, append-only buffer of generated transaction rows, in exact integer units.

Quantities are integers so that what is written is exactly what was simulated: shares in
units of 1/10,000 (fractional shares to 4 decimals), cash amounts in cents, split ratios as
whole numbers; prices and cost bases in cents. Rows are sorted at the end by date, then
account, then the order they were appended in (each account is simulated in time order), so
rows on one date apply in a sensible file order (split, dividend, reinvest, deposit, trades).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from tools.models import ACTIONS

SHARE_UNITS = 10_000  # quantity units per share: 4 decimals
NONE = -1  # marks an empty cell in an integer column


class Action(IntEnum):
    BUY = 0
    REINVEST = 1
    SELL = 2
    SPLIT = 3
    TRANSFER_IN = 4
    DEPOSIT = 5
    WITHDRAW = 6
    DIVIDEND = 7


ACTION_NAMES: tuple[str, ...] = ACTIONS  # the names transactions.csv uses, indexed by Action
SHARE_ACTIONS = frozenset({Action.BUY, Action.REINVEST, Action.SELL, Action.TRANSFER_IN})
CASH_ACTIONS = frozenset({Action.DEPOSIT, Action.WITHDRAW, Action.DIVIDEND})

PER_APPEND_COLUMNS = ("day", "account", "action", "acquired_ordinal", "cost_basis_cents")
PER_ROW_COLUMNS = ("security", "quantity", "price_cents", "lot")


@dataclass(frozen=True)
class TransactionTable:
    """All generated rows in file order, as parallel arrays (M rows)."""

    day: np.ndarray  # (M,) trading-day index
    account: np.ndarray  # (M,) account index
    action: np.ndarray  # (M,) Action code
    security: np.ndarray  # (M,) universe index or NONE
    quantity: np.ndarray  # (M,) share units, cents (cash actions) or the split ratio
    price_cents: np.ndarray  # (M,) or NONE
    lot: np.ndarray  # (M,) lot number within the account, or NONE
    acquired_ordinal: np.ndarray  # (M,) proleptic ordinal, or NONE
    cost_basis_cents: np.ndarray  # (M,) or NONE

    def __len__(self) -> int:
        return len(self.day)


class RowBuffer:
    """Collects rows from every account; ``table()`` assembles and sorts them once.

    Values that are the same for every row of one append (date, account, action, ...) are
    stored once per append and repeated at the end, which keeps appends cheap.
    """

    def __init__(self) -> None:
        self._counts: list[int] = []
        self._per_append: dict[str, list[int]] = {name: [] for name in PER_APPEND_COLUMNS}
        self._per_row: dict[str, list[np.ndarray]] = {name: [] for name in PER_ROW_COLUMNS}

    def append(
        self,
        *,
        day: int,
        account: int,
        action: Action,
        security: np.ndarray | int,
        quantity: np.ndarray | int,
        price_cents: np.ndarray | int = NONE,
        lot: np.ndarray | int = NONE,
        acquired_ordinal: int = NONE,
        cost_basis_cents: int = NONE,
    ) -> None:
        count = int(np.size(quantity))
        if count == 0:
            return
        self._counts.append(count)
        for name, value in (
            ("day", day),
            ("account", account),
            ("action", action),
            ("acquired_ordinal", acquired_ordinal),
            ("cost_basis_cents", cost_basis_cents),
        ):
            self._per_append[name].append(int(value))
        for name, cells in (
            ("security", security),
            ("quantity", quantity),
            ("price_cents", price_cents),
            ("lot", lot),
        ):
            column = np.asarray(cells, dtype=np.int64)
            self._per_row[name].append(column if column.ndim else np.full(count, column))

    def __len__(self) -> int:
        return sum(self._counts)

    def table(self) -> TransactionTable:
        counts = np.array(self._counts, dtype=np.int64)
        columns = {
            name: np.repeat(np.array(values, dtype=np.int64), counts)
            for name, values in self._per_append.items()
        }
        columns.update(
            {
                name: np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
                for name, chunks in self._per_row.items()
            }
        )
        order = np.lexsort((np.arange(len(columns["day"])), columns["account"], columns["day"]))
        return TransactionTable(**{name: values[order] for name, values in columns.items()})
