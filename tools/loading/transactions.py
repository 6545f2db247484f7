"""transactions.csv: every trade, split, transfer and cash movement, validated column-wise.

Which cells an action needs follows docs/CONTRACTS.md §1 ("transactions.csv actions"): buys,
reinvestments and sells carry a symbol and a price; a split's quantity is its ratio; a
transfer_in brings an existing lot with its acquired_date and total cost_basis; deposits and
withdrawals are cash without a symbol; a dividend names its payer.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.loading.bulk import date_objects, none_where, validate_records
from tools.loading.cells import (
    check_choice,
    check_ids,
    check_known,
    missing,
    negative,
    parse_dates,
    parse_numbers,
    report,
)
from tools.loading.csv_reader import CsvTable, TableSpec, read_table_or_raise
from tools.loading.limits import MAX_AMOUNT, MAX_PRICE, MAX_SHARES
from tools.loading.plausible import above, split_ratio_problems, trade_value_problems
from tools.loading.positions_check import (
    LOT_OPENING_ACTIONS,
    SHARE_ACTIONS,
    oversell_problems,
    share_moves,
    split_conflict_problems,
)
from tools.loading.problems import raise_if_any, rows_with_problems
from tools.models import ACTIONS, CASH_ACTIONS, Account, Security, Transaction

TRANSACTIONS = TableSpec(
    "transactions.csv",
    ("date", "account_id", "action", "symbol", "quantity", "price"),
    needs_rows=False,
)
NEEDS_SYMBOL: tuple[str, ...] = (*SHARE_ACTIONS, "dividend")
NO_SYMBOL: tuple[str, ...] = ("deposit", "withdraw")
NEEDS_PRICE: tuple[str, ...] = ("buy", "reinvest", "sell")
TAKES_LOT_ID: tuple[str, ...] = (*LOT_OPENING_ACTIONS, "sell")
# Columns a running share position depends on: rows valid in all of them can be replayed.
POSITION_COLUMNS = ("date", "account_id", "action", "symbol", "quantity")
# Every column of transactions.csv (docs/CONTRACTS.md §1) in the contract's order, for writers.
TRANSACTION_COLUMNS: tuple[str, ...] = (
    *POSITION_COLUMNS,
    "price",
    "fees",
    "lot_id",
    "acquired_date",
    "cost_basis",
)


@dataclass(frozen=True)
class ParsedTransactions:
    """Typed columns of transactions.csv, one row per data row in file order.

    ``frame`` columns: row (1-based data row), date and acquired_date (datetime64, NaT when
    blank), account_id, action, symbol and lot_id (str, "" when blank; lot_id filled with
    ``row-N`` for lot-opening rows), quantity, price and cost_basis (float, NaN when blank),
    fees (float, 0 when blank).
    """

    frame: pd.DataFrame
    moves: pd.DataFrame  # share-moving rows in date order with running positions

    def to_models(self) -> tuple[Transaction, ...]:
        frame = self.frame
        columns = zip(
            frame["row"].tolist(),
            date_objects(frame["date"]),
            frame["account_id"].tolist(),
            frame["action"].tolist(),
            none_where(frame["symbol"], frame["symbol"] == ""),
            frame["quantity"].tolist(),
            none_where(frame["price"], frame["price"].isna()),
            frame["fees"].tolist(),
            none_where(frame["lot_id"], frame["lot_id"] == ""),
            date_objects(frame["acquired_date"]),
            none_where(frame["cost_basis"], frame["cost_basis"].isna()),
            strict=True,
        )
        records = (
            {
                "row": row,
                "date": date,
                "account_id": account_id,
                "action": action,
                "symbol": symbol,
                "quantity": quantity,
                "price": price,
                "fees": fees,
                "lot_id": lot_id,
                "acquired_date": acquired_date,
                "cost_basis": cost_basis,
            }
            for (
                row,
                date,
                account_id,
                action,
                symbol,
                quantity,
                price,
                fees,
                lot_id,
                acquired_date,
                cost_basis,
            ) in columns
        )
        return validate_records(Transaction, records)


def parse_transactions(
    table: CsvTable, account_ids: Collection[str] | None, symbols: Collection[str] | None
) -> tuple[ParsedTransactions, list[Problem]]:
    """Validate every cell and cross-reference; ``None`` skips the account or symbol lookup."""
    dates, problems = parse_dates(table, "date")
    problems += missing(table, "date")
    problems += missing(table, "account_id")
    problems += check_known(table, "account_id", account_ids, what="account", source="accounts.csv")
    problems += missing(table, "action") + check_choice(table, "action", ACTIONS)
    problems += _symbol_problems(table, symbols)
    quantity, quantity_problems = _parse_quantity(table)
    problems += quantity_problems
    price, price_problems = _parse_price(table)
    problems += price_problems
    fees, fee_problems = parse_numbers(table, "fees")
    problems += fee_problems + negative(table, "fees", fees)
    problems += _implausible(table, quantity, price, fees)
    lot_id, lot_problems = _fill_lot_ids(table)
    problems += lot_problems
    acquired, cost_basis, transfer_problems = _parse_transfer_cells(table, dates)
    problems += transfer_problems

    frame = pd.DataFrame(
        {
            "row": table.rows,
            "date": dates,
            "account_id": table.cells("account_id"),
            "action": table.cells("action"),
            "symbol": table.cells("symbol"),
            "quantity": quantity,
            "price": price,
            "fees": np.nan_to_num(fees, nan=0.0),
            "lot_id": lot_id,
            "acquired_date": acquired,
            "cost_basis": cost_basis,
        }
    )
    problems += _lot_reuse_problems(table, frame, problems)
    ready = ~rows_with_problems(problems, len(table), POSITION_COLUMNS)
    moves = share_moves(frame[ready])
    problems += split_conflict_problems(moves, table.name)
    problems += oversell_problems(moves, table.name, _unreplayable_pairs(frame, ready))
    return ParsedTransactions(frame, moves), problems


def _unreplayable_pairs(frame: pd.DataFrame, ready: np.ndarray) -> set[tuple[str, str]]:
    """(account_id, symbol) of rows that may move shares but cannot be replayed."""
    cash = frame["action"].isin(list(CASH_ACTIONS)).to_numpy()
    broken = frame.loc[~ready & ~cash, ["account_id", "symbol"]]
    return set(zip(broken["account_id"], broken["symbol"], strict=True))


def _doing(table: CsvTable, actions: Collection[str]) -> np.ndarray:
    """Mask of the rows whose action is one of ``actions``."""
    return table.among("action", actions)


def _symbol_problems(table: CsvTable, symbols: Collection[str] | None) -> list[Problem]:
    names, text = table.cells("action").to_numpy(), table.cells("symbol").to_numpy()
    empty = table.blank("symbol")
    problems = report(
        table,
        empty & _doing(table, NEEDS_SYMBOL),
        "symbol",
        lambda i: f"symbol is missing ({names[i]} needs one)",
    )
    problems += report(
        table,
        ~empty & _doing(table, NO_SYMBOL),
        "symbol",
        lambda i: f"{names[i]} takes no symbol, got '{text[i]}'",
    )
    problems += check_known(
        table,
        "symbol",
        symbols,
        what="symbol",
        source="securities.csv",
        where=~_doing(table, NO_SYMBOL),
    )
    return problems


def _parse_quantity(table: CsvTable) -> tuple[np.ndarray, list[Problem]]:
    names, text = table.cells("action").to_numpy(), table.cells("quantity").to_numpy()
    quantity, problems = parse_numbers(table, "quantity")
    problems += missing(table, "quantity")
    split = _doing(table, ("split",))
    problems += report(
        table,
        split & (quantity <= 0),
        "quantity",
        lambda i: f"split ratio {text[i]} must be greater than zero",
    )
    problems += report(
        table, ~split & (quantity < 0), "quantity", lambda i: f"quantity {text[i]} is negative"
    )
    problems += report(
        table,
        _doing(table, TAKES_LOT_ID) & (quantity == 0),
        "quantity",
        lambda i: f"quantity {text[i]} must be greater than zero for {names[i]}",
    )
    return quantity, problems


def _implausible(
    table: CsvTable, quantity: np.ndarray, price: np.ndarray, fees: np.ndarray
) -> list[Problem]:
    """Finite values no real account produces (see ``tools.loading.limits``)."""
    cash = _doing(table, tuple(CASH_ACTIONS))
    splits = _doing(table, ("split",))
    problems = above(table, "quantity", quantity, MAX_SHARES, "shares", where=~cash & ~splits)
    problems += above(table, "quantity", quantity, MAX_AMOUNT, "dollars", where=cash)
    problems += split_ratio_problems(table, quantity, splits)
    problems += above(table, "price", price, MAX_PRICE, "dollars a share")
    problems += trade_value_problems(table, quantity, price, _doing(table, NEEDS_PRICE))
    problems += above(table, "fees", fees, MAX_AMOUNT, "dollars")
    return problems


def _parse_price(table: CsvTable) -> tuple[np.ndarray, list[Problem]]:
    names, text = table.cells("action").to_numpy(), table.cells("price").to_numpy()
    empty = table.blank("price")
    price, problems = parse_numbers(table, "price")
    problems += negative(table, "price", price)
    needs_price = _doing(table, NEEDS_PRICE)
    problems += report(
        table, empty & needs_price, "price", lambda i: f"price is missing ({names[i]} needs one)"
    )
    problems += report(
        table,
        ~empty & ~needs_price & _doing(table, ACTIONS),
        "price",
        lambda i: f"{names[i]} takes no price, got '{text[i]}'",
    )
    return price, problems


def _fill_lot_ids(table: CsvTable) -> tuple[pd.Series, list[Problem]]:
    """A blank lot_id on a lot-opening row names the lot ``row-N`` (docs/CONTRACTS.md §1)."""
    lot_id = table.cells("lot_id")
    names, text = table.cells("action").to_numpy(), lot_id.to_numpy()
    empty = table.blank("lot_id")
    refused = ~empty & ~_doing(table, TAKES_LOT_ID) & _doing(table, ACTIONS)
    problems = report(
        table, refused, "lot_id", lambda i: f"{names[i]} takes no lot_id, got '{text[i]}'"
    )
    problems += check_ids(table, "lot_id", "lot_id", where=~refused)
    unnamed = empty & _doing(table, LOT_OPENING_ACTIONS)
    filled = lot_id.copy()
    filled[unnamed] = "row-" + pd.Series(table.rows[unnamed]).astype(str).to_numpy()
    return filled, problems


def _parse_transfer_cells(
    table: CsvTable, dates: pd.Series
) -> tuple[pd.Series, np.ndarray, list[Problem]]:
    """acquired_date and cost_basis: required on transfer_in, meaningless elsewhere.

    A transferred lot keeps its original basis and holding period (for carried-over basis,
    IRC §1223(2) counts the time it was held before), so the row must say when the lot was
    first acquired and what it cost in total.
    """
    names = table.cells("action").to_numpy()
    transfer = _doing(table, ("transfer_in",))
    other = _doing(table, ACTIONS) & ~transfer
    acquired_text = table.cells("acquired_date").to_numpy()
    acquired, problems = parse_dates(table, "acquired_date")
    problems += missing(
        table, "acquired_date", transfer, "transfer_in needs the date the lot was first acquired"
    )
    problems += report(
        table,
        ~table.blank("acquired_date") & other,
        "acquired_date",
        lambda i: f"only transfer_in takes an acquired_date, not {names[i]}",
    )
    late = (acquired > dates).to_numpy() & transfer
    date_text = table.cells("date").to_numpy()
    problems += report(
        table,
        late,
        "acquired_date",
        lambda i: f"acquired_date {acquired_text[i]} is after the transfer date {date_text[i]}",
    )
    cost_basis, cost_problems = parse_numbers(table, "cost_basis")
    problems += cost_problems + negative(table, "cost_basis", cost_basis)
    problems += above(table, "cost_basis", cost_basis, MAX_AMOUNT, "dollars")
    problems += missing(
        table, "cost_basis", transfer, "transfer_in needs the lot's total cost basis"
    )
    problems += report(
        table,
        ~table.blank("cost_basis") & other,
        "cost_basis",
        lambda i: f"only transfer_in takes a cost_basis, not {names[i]}",
    )
    return acquired, cost_basis, problems


def _lot_reuse_problems(
    table: CsvTable, frame: pd.DataFrame, problems: list[Problem]
) -> list[Problem]:
    """Rows sharing a lot_id are one purchase (docs/CONTRACTS.md §1): same action, account, symbol
    and dates as the lot's first row."""
    key_columns = ["action", "account_id", "symbol", "date", "acquired_date"]
    usable = _doing(table, LOT_OPENING_ACTIONS) & ~rows_with_problems(problems, len(table))
    reused = frame["lot_id"].duplicated(keep=False).to_numpy()  # cheap first cut
    openings = frame.loc[usable & reused, ["row", "lot_id", *key_columns]]
    openings = openings[openings["lot_id"].duplicated(keep=False)].reset_index(drop=True)
    if openings.empty:
        return []
    first_position = openings.index.to_series().groupby(openings["lot_id"]).transform("min")
    first = openings.iloc[first_position.to_numpy()].reset_index(drop=True)
    same = (openings[key_columns] == first[key_columns]) | (
        openings[key_columns].isna() & first[key_columns].isna()
    )
    result = []
    for position in np.flatnonzero(~same.all(axis=1).to_numpy()):
        row, earlier = openings.iloc[position], first.iloc[position]
        message = (
            f"lot_id '{row['lot_id']}' is already used by row {earlier['row']} for a different "
            f"purchase ({earlier['action']} of {earlier['symbol']} in account "
            f"{earlier['account_id']} on {earlier['date']:%Y-%m-%d})"
        )
        result.append(Problem(table.name, int(row["row"]), "lot_id", message))
    return result


def load_transactions(
    path: Path, accounts: dict[str, Account], securities: dict[str, Security] | None = None
) -> tuple[Transaction, ...]:
    """Load and validate one transactions.csv against known accounts (and securities).

    Raises ``DataValidationError`` listing every problem of the file, oversold sells included.
    """
    parsed, problems = parse_transactions(
        read_table_or_raise(path, TRANSACTIONS),
        set(accounts),
        None if securities is None else set(securities),
    )
    raise_if_any(problems)
    return parsed.to_models()
