"""An independent, deliberately simple replay of a generated data directory for the tests.

It reads the CSV files as text (no code shared with the generator), walks transactions.csv
row by row in file order, and records every inconsistency it sees: a sale of more shares than
held, negative cash in a managed account, a trade price that is not the day's close, a split
that leaves nothing to split, a row dated after as-of.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from tools.synthetic import SyntheticDataset
from tools.synthetic.writer import render

TRADES = {"buy", "reinvest", "sell"}


@dataclass
class BuyLot:
    account_id: str
    symbol: str
    date: str
    shares: Decimal  # current shares (after later splits)
    unit_cost: Decimal  # per current share


@dataclass
class Replay:
    positions: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cash: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    lots: list[BuyLot] = field(default_factory=list)
    sold: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


def read_csv(path: Path) -> list[dict[str, str]]:
    return parse_csv(path.read_text(encoding="utf-8"))


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def close_panel(root: Path) -> pd.DataFrame:
    """Closes as written (text), dates x symbols."""
    prices = pd.read_csv(root / "prices.csv", dtype={"close": str})
    return prices.pivot(index="date", columns="symbol", values="close")


def dataset_closes(dataset: SyntheticDataset) -> pd.DataFrame:
    """The closes of an in-memory data set as ``prices.csv`` would show them (text)."""
    panel = dataset.panel
    cents = pd.DataFrame(
        panel.close_cents,
        index=[d.isoformat() for d in panel.dates.date],
        columns=list(dataset.universe.symbols),
    )
    return cents.map(lambda value: f"{value // 100}.{value % 100:02d}")


def replay_dataset(dataset: SyntheticDataset) -> Replay:
    return replay_rows(
        parse_csv(render(dataset, "accounts.csv")),
        parse_csv(render(dataset, "transactions.csv")),
        dataset_closes(dataset),
    )


def replay(root: Path) -> Replay:
    return replay_rows(
        read_csv(root / "accounts.csv"), read_csv(root / "transactions.csv"), close_panel(root)
    )


def replay_rows(
    account_rows: list[dict[str, str]], rows: list[dict[str, str]], closes: pd.DataFrame
) -> Replay:
    """Walk ``rows`` in file order; ``closes`` holds the close text by date and symbol."""
    accounts = {row["account_id"]: row for row in account_rows}
    last_date = closes.index[-1]
    state = Replay(rows=rows)
    for number, row in enumerate(rows, start=1):
        account, action, symbol = row["account_id"], row["action"], row["symbol"]
        quantity = Decimal(row["quantity"])
        where = f"row {number} ({action} {symbol} {row['date']})"
        if row["date"] > last_date:
            state.problems.append(f"{where}: after the last price date")
        key = (account, symbol)
        if action in TRADES:
            price = Decimal(row["price"])
            if Decimal(closes.at[row["date"], symbol]) != price:
                state.problems.append(f"{where}: price {price} is not the close")
            if quantity.as_tuple().exponent < -4:
                state.problems.append(f"{where}: more than 4 decimals")
            if action == "sell":
                if quantity > state.positions[key]:
                    state.problems.append(
                        f"{where}: sells {quantity}, holds {state.positions[key]}"
                    )
                state.positions[key] -= quantity
                state.cash[account] += quantity * price
                state.sold.add(key)
            else:
                state.positions[key] += quantity
                state.cash[account] -= quantity * price
                state.lots.append(BuyLot(account, symbol, row["date"], quantity, price))
        elif action == "split":
            if state.positions[key] <= 0:
                state.problems.append(f"{where}: split of a symbol not held")
            state.positions[key] *= quantity
            for lot in state.lots:
                if (lot.account_id, lot.symbol) == key:
                    lot.shares *= quantity
                    lot.unit_cost /= quantity
        elif action == "transfer_in":
            state.positions[key] += quantity
        elif action in {"deposit", "dividend"}:
            state.cash[account] += quantity
        elif action == "withdraw":
            state.cash[account] -= quantity
        else:
            state.problems.append(f"{where}: unknown action")
        if accounts[account]["managed"] == "true" and state.cash[account] < 0:
            state.problems.append(f"{where}: cash of {account} is {state.cash[account]}")
    return state


def market_value(state: Replay, closes: pd.DataFrame, account_id: str) -> Decimal:
    """Positions at the last close plus cash."""
    last = closes.iloc[-1]
    value = state.cash[account_id]
    for (account, symbol), shares in state.positions.items():
        if account == account_id and shares:
            value += shares * Decimal(last[symbol])
    return value
