"""A small data directory built in code for the review tests (seconds, not minutes).

Twelve securities in three sectors (``TAA`` and ``TAB`` are share classes of one company,
substantially identical), 260 business days of prices from a seeded two-factor simulation
ending on 2026-11-20, and two households:

- ``hh-a``: a managed taxable account ``hh-a-tax`` bought near the benchmark a year ago, plus
  extra lots of ``TAA``, ``HAA`` and ``EAA`` bought in the summer; those three names then
  fall about 30%, so the extra lots are harvest candidates. A held-away IRA ``hh-a-ira``.
- ``hh-b``: a managed taxable account ``hh-b-tax`` holding only the names that gained
  (nothing to harvest: a no-action day).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

AS_OF = dt.date(2026, 11, 20)
SECTORS = {
    "Technology": ("TAA", "TAB", "TCC", "TDD"),
    "Health Care": ("HAA", "HBB", "HCC", "HDD"),
    "Energy": ("EAA", "EBB", "ECC", "EDD"),
}
FALLING = ("TAA", "HAA", "EAA")  # these fall ~30% after the summer purchase
SYMBOLS = tuple(symbol for names in SECTORS.values() for symbol in names)
SUMMER_DAY = 160  # index of the price day of the summer purchase
TAXABLE = "hh-a-tax"
IRA = "hh-a-ira"
QUIET_ACCOUNT = "hh-b-tax"

TRANSACTION_COLUMNS = [
    "date",
    "account_id",
    "action",
    "symbol",
    "quantity",
    "price",
    "fees",
    "lot_id",
    "acquired_date",
    "cost_basis",
]


def price_frame(seed: int = 11) -> pd.DataFrame:
    """Business-day closes, (days x symbols), from a market + sector factor simulation."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(end=pd.Timestamp(AS_OF), periods=260)
    market = rng.normal(0.0003, 0.009, len(dates))
    returns = {}
    for names in SECTORS.values():
        sector_move = rng.normal(0.0, 0.006, len(dates))
        for symbol in names:
            own = rng.normal(0.0, 0.012, len(dates))
            path = market + sector_move + own
            if symbol in FALLING:
                path[SUMMER_DAY + 1 :] -= 0.0036  # about -30% over the last hundred days
            returns[symbol] = path
    returns["TAB"] = returns["TAA"] + rng.normal(0.0, 0.001, len(dates))  # share classes
    start = {symbol: 40.0 + 10.0 * index for index, symbol in enumerate(SYMBOLS)}
    closes = {symbol: start[symbol] * np.exp(np.cumsum(returns[symbol])) for symbol in SYMBOLS}
    return pd.DataFrame(closes, index=dates).round(2)


def benchmark_weights() -> dict[str, float]:
    raw = {symbol: 1.0 + 0.1 * index for index, symbol in enumerate(SYMBOLS)}
    total = sum(raw.values())
    weights = {symbol: round(value / total, 6) for symbol, value in raw.items()}
    weights[SYMBOLS[-1]] = round(1.0 - sum(weights[s] for s in SYMBOLS[:-1]), 6)
    return weights


def write_data_dir(
    root: Path,
    *,
    policy: dict[str, Any] | None = None,
    pending: list[dict[str, str]] | None = None,
    restrictions: list[dict[str, str]] | None = None,
) -> Path:
    """Write the data directory under ``root`` and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    closes = price_frame()
    dates = [day.date().isoformat() for day in closes.index]
    _write(
        root / "securities.csv",
        ["symbol", "name", "sector", "industry", "esg_score", "identical_group"],
        [
            [
                symbol,
                f"{symbol} Holdings",
                sector,
                f"{sector} industry",
                "60",
                "taa-classes" if symbol in ("TAA", "TAB") else "",
            ]
            for sector, names in SECTORS.items()
            for symbol in names
        ],
    )
    _write(
        root / "prices.csv",
        ["date", "symbol", "close"],
        [
            [day, symbol, f"{closes.at[stamp, symbol]:.2f}"]
            for day, stamp in zip(dates, closes.index, strict=True)
            for symbol in SYMBOLS
        ],
    )
    _write(
        root / "benchmark.csv",
        ["symbol", "weight"],
        [[symbol, f"{weight:.6f}"] for symbol, weight in benchmark_weights().items()],
    )
    _write(
        root / "accounts.csv",
        [
            "account_id",
            "household_id",
            "owner",
            "tax_type",
            "managed",
            "relief_method",
            "te_budget",
        ],
        [
            [TAXABLE, "hh-a", "taxpayer", "taxable", "true", "fifo", "0.03"],
            [IRA, "hh-a", "spouse", "traditional_ira", "false", "fifo", ""],
            [QUIET_ACCOUNT, "hh-b", "taxpayer", "taxable", "true", "fifo", "0.03"],
        ],
    )
    _write(root / "transactions.csv", TRANSACTION_COLUMNS, _transactions(closes, dates))
    _write(
        root / "restrictions.csv",
        ["scope", "scope_id", "kind", "target_type", "target", "reason"],
        [
            [
                r["scope"],
                r["scope_id"],
                r["kind"],
                r["target_type"],
                r["target"],
                r.get("reason", ""),
            ]
            for r in restrictions or []
        ],
    )
    _write(
        root / "pending.csv",
        ["date", "account_id", "action", "symbol", "quantity"],
        [
            [p["date"], p["account_id"], p.get("action", "buy"), p["symbol"], p["quantity"]]
            for p in pending or []
        ],
    )
    (root / "policy.yaml").write_text(yaml.safe_dump(policy or {}), encoding="utf-8")
    return root


def close_on(root: Path, symbol: str, day: dt.date = AS_OF) -> float:
    frame = pd.read_csv(root / "prices.csv")
    row = frame[(frame["date"] == day.isoformat()) & (frame["symbol"] == symbol)]
    return float(row["close"].iloc[0])


def append_transaction(root: Path, values: dict[str, str]) -> None:
    """Append one row to transactions.csv (blank for columns not given)."""
    path = root / "transactions.csv"
    with path.open(newline="", encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    with path.open("a", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerow([values.get(column, "") for column in header])


def read_transactions(root: Path) -> list[dict[str, str]]:
    with (root / "transactions.csv").open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _transactions(closes: pd.DataFrame, dates: list[str]) -> list[list[str]]:
    weights = benchmark_weights()
    rows: list[list[str]] = []

    def row(
        day: int, account: str, action: str, symbol: str, quantity: float, *, price: str = ""
    ) -> None:
        rows.append([dates[day], account, action, symbol, f"{quantity:.4f}", price, "", "", "", ""])

    def buy(day: int, account: str, symbol: str, dollars: float) -> None:
        price = float(closes.iloc[day][symbol])
        row(day, account, "buy", symbol, dollars / price, price=f"{price:.2f}")

    row(5, TAXABLE, "deposit", "", 1_000_000)
    for symbol, weight in weights.items():
        buy(5, TAXABLE, symbol, 980_000 * weight)
    row(SUMMER_DAY, TAXABLE, "deposit", "", 60_000)
    for symbol in FALLING:
        buy(SUMMER_DAY, TAXABLE, symbol, 20_000)
    row(5, IRA, "deposit", "", 50_000)
    buy(5, IRA, "HBB", 40_000)
    row(5, QUIET_ACCOUNT, "deposit", "", 204_000)
    gainers = [s for s in SYMBOLS if closes.iloc[-1][s] > 1.05 * closes.iloc[5][s]]
    gainer_weight = sum(weights[symbol] for symbol in gainers)
    for symbol in gainers:
        buy(5, QUIET_ACCOUNT, symbol, 200_000 * weights[symbol] / gainer_weight)
    return rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
