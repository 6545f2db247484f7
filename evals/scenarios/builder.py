"""A scenario's data directory, built in code and written in the CONTRACTS.md format.

``Book`` starts as the household ``hh``: a managed taxable account ``hh-tax`` that bought the
benchmark with $1,000,000 on day 150 of the shared market, a held-away spouse account
``hh-spouse`` and a held-away IRA ``hh-ira`` (both empty). Each scenario edits it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evals.scenarios.market import (
    SHARE_CLASSES,
    SYMBOLS,
    benchmark_weights,
    close,
    closes,
    day,
    sector_of,
)
from tools.loading.transactions import TRANSACTION_COLUMNS

HOUSEHOLD = "hh"
TAXABLE = "hh-tax"
SPOUSE = "hh-spouse"
IRA = "hh-ira"
START_VALUE = 1_000_000.0
BUY_DAY = 150


@dataclass
class Book:
    accounts: list[dict[str, str]] = field(
        default_factory=lambda: [
            {
                "account_id": TAXABLE,
                "household_id": HOUSEHOLD,
                "owner": "alex",
                "tax_type": "taxable",
                "managed": "true",
                "relief_method": "fifo",
                "te_budget": "0.03",
            },
            {
                "account_id": SPOUSE,
                "household_id": HOUSEHOLD,
                "owner": "sam",
                "tax_type": "taxable",
                "managed": "false",
                "relief_method": "fifo",
                "te_budget": "",
            },
            {
                "account_id": IRA,
                "household_id": HOUSEHOLD,
                "owner": "alex",
                "tax_type": "traditional_ira",
                "managed": "false",
                "relief_method": "fifo",
                "te_budget": "",
            },
        ]
    )
    transactions: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    restrictions: list[dict[str, str]] = field(default_factory=list)
    policy: dict[str, Any] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)  # symbol -> last days without a price
    holdings: dict[str, float] = field(default_factory=benchmark_weights)  # weights bought
    buy_day: int = BUY_DAY  # market day index of the first purchase
    invested: float = 1.0  # fraction of the deposit spent on the first purchase

    def __post_init__(self) -> None:
        self.deposit(TAXABLE, self.buy_day, START_VALUE)
        for symbol, weight in self.holdings.items():
            if weight > 0:
                self.buy(
                    TAXABLE,
                    symbol,
                    self.buy_day,
                    round(START_VALUE * self.invested * weight / close(symbol, self.buy_day), 4),
                )

    def row(self, **fields: Any) -> None:
        self.transactions.append({column: fields.get(column, "") for column in TRANSACTION_COLUMNS})

    def deposit(self, account: str, index: int, amount: float) -> None:
        self.row(date=day(index), account_id=account, action="deposit", quantity=amount)

    def buy(
        self,
        account: str,
        symbol: str,
        index: int,
        quantity: float,
        *,
        action: str = "buy",
        lot_id: str = "",
    ) -> None:
        self.row(
            date=day(index),
            account_id=account,
            action=action,
            symbol=symbol,
            quantity=quantity,
            price=close(symbol, index),
            lot_id=lot_id,
        )

    def sell(self, account: str, symbol: str, index: int, quantity: float) -> None:
        self.row(
            date=day(index),
            account_id=account,
            action="sell",
            symbol=symbol,
            quantity=quantity,
            price=close(symbol, index),
        )

    def held(self, symbol: str, account: str = TAXABLE) -> float:
        signed = {"buy": 1.0, "reinvest": 1.0, "sell": -1.0}
        return sum(
            signed.get(t["action"], 0.0) * float(t["quantity"])
            for t in self.transactions
            if t["account_id"] == account and t["symbol"] == symbol
        )

    def write(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        prices = closes()
        _write(
            root / "securities.csv",
            ("symbol", "name", "sector", "industry", "identical_group"),
            [
                {
                    "symbol": s,
                    "name": f"{s} Corp",
                    "sector": sector_of(s),
                    "industry": f"{sector_of(s)} industry",
                    "identical_group": "TA" if s in SHARE_CLASSES else "",
                }
                for s in SYMBOLS
            ],
        )
        price_rows = []
        for symbol in SYMBOLS:
            series = prices[symbol]
            if symbol in self.stale:
                series = series.iloc[: -self.stale[symbol]]
            price_rows += [
                {"date": when.date().isoformat(), "symbol": symbol, "close": f"{value:.2f}"}
                for when, value in series.items()
            ]
        _write(root / "prices.csv", ("date", "symbol", "close"), price_rows)
        _write(
            root / "benchmark.csv",
            ("symbol", "weight"),
            [{"symbol": s, "weight": w} for s, w in benchmark_weights().items()],
        )
        _write(root / "accounts.csv", tuple(self.accounts[0]), self.accounts)
        ordered = sorted(self.transactions, key=lambda t: t["date"])
        _write(root / "transactions.csv", TRANSACTION_COLUMNS, ordered)
        if self.pending:
            _write(
                root / "pending.csv",
                ("date", "account_id", "action", "symbol", "quantity"),
                self.pending,
            )
        if self.restrictions:
            _write(
                root / "restrictions.csv",
                ("scope", "scope_id", "kind", "target_type", "target", "reason"),
                self.restrictions,
            )
        if self.policy:
            (root / "policy.yaml").write_text(yaml.safe_dump(self.policy), encoding="utf-8")
        return root


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({column: _text(row.get(column, "")) for column in columns})


def _text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
