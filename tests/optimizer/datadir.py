"""A small data directory (CONTRACTS section 1) for the optimizer's adapter and CLI tests.

Household H1 over ten names S0-S9 (S8 and S9 are share classes of one company):

* ``TX`` (taxable, managed, TE budget 5%): long-term lots of every benchmark name bought 300
  trading days before the as-of date, short-term lots of S4-S7 bought 70 days before (S4-S7
  fell 25% since, so those lots carry losses), and a concentrated, low-basis S0 lot
  transferred in. S5 was partly sold at a loss 10 days before the as-of date (buying S5 is
  blocked).
* ``IRA`` (traditional IRA, managed, TE budget 0.5%, out of reach): bought S6 5 days before
  the as-of date (TX's S6 loss lots would be washed, IRC §1091(a) and Rev. Rul. 2008-5).
* ``AWAY`` (taxable, held away): watched for wash sales only; a pending purchase of S7 in 4
  days would wash TX's S7 losses.

Restrictions: S3 is excluded for the household, S1 may not be sold in TX.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

SYMBOLS = [f"S{i}" for i in range(10)]
SECTORS = ["Tech"] * 4 + ["Energy"] * 3 + ["Health"] * 3
AS_OF = dt.date(2024, 6, 28)
N_DAYS = 320
FALLING = ("S4", "S5", "S6", "S7")
EXCLUDED = "S3"
NO_SELL = "S1"
TX_TE_BUDGET = 0.05  # the concentrated S0 gift keeps TX's TE near 4%
IRA_TE_BUDGET = 0.005  # below what the IRA can reach without S3: optimize is infeasible


def trading_days() -> pd.DatetimeIndex:
    return pd.bdate_range(end=pd.Timestamp(AS_OF), periods=N_DAYS)


def price_panel() -> pd.DataFrame:
    """Daily closes: a market factor, a sector factor and noise; S4-S7 lose 25% over the
    last 70 days."""
    rng = np.random.default_rng(11)
    days = trading_days()
    market = rng.normal(0.0003, 0.01, N_DAYS)
    sector_moves = {s: rng.normal(0.0, 0.006, N_DAYS) for s in set(SECTORS)}
    returns = {}
    for symbol, sector in zip(SYMBOLS, SECTORS, strict=True):
        returns[symbol] = market + sector_moves[sector] + rng.normal(0.0, 0.012, N_DAYS)
        if symbol in FALLING:
            returns[symbol][-70:] += np.log(0.75) / 70
    returns["S9"] = returns["S8"] + rng.normal(0.0, 0.002, N_DAYS)  # a second share class
    closes = {symbol: 50.0 * np.exp(np.cumsum(r)) for symbol, r in returns.items()}
    return pd.DataFrame(closes, index=days).round(2)


def write_data_dir(root: Path, policy_yaml: str = "") -> pd.DataFrame:
    """Write the directory; return the price panel used."""
    root.mkdir(parents=True, exist_ok=True)
    close = price_panel()
    days = close.index
    pd.DataFrame(
        {
            "symbol": SYMBOLS,
            "name": [f"Company {s}" for s in SYMBOLS],
            "sector": SECTORS,
            "industry": [f"{sector} industry" for sector in SECTORS],
            "esg_score": np.linspace(30, 90, len(SYMBOLS)),
            "identical_group": [""] * 8 + ["G89", "G89"],
        }
    ).to_csv(root / "securities.csv", index=False)
    long = close.stack().rename("close").reset_index()
    long.columns = ["date", "symbol", "close"]
    long["date"] = long["date"].dt.strftime("%Y-%m-%d")
    long.to_csv(root / "prices.csv", index=False)
    weights = np.array([0.08, 0.14, 0.10, 0.08, 0.12, 0.10, 0.08, 0.10, 0.12, 0.08])
    pd.DataFrame({"symbol": SYMBOLS, "weight": weights}).to_csv(root / "benchmark.csv", index=False)
    pd.DataFrame(
        [
            ("TX", "H1", "taxpayer", "taxable", "true", "hifo", TX_TE_BUDGET),
            ("IRA", "H1", "taxpayer", "traditional_ira", "true", "fifo", IRA_TE_BUDGET),
            ("AWAY", "H1", "spouse", "taxable", "false", "fifo", ""),
        ],
        columns=[
            "account_id",
            "household_id",
            "owner",
            "tax_type",
            "managed",
            "relief_method",
            "te_budget",
        ],
    ).to_csv(root / "accounts.csv", index=False)
    pd.DataFrame(
        _transactions(close, days),
        columns=[
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
        ],
    ).to_csv(root / "transactions.csv", index=False)
    pd.DataFrame(
        [
            ("household", "H1", "exclude", "symbol", EXCLUDED, "values screen"),
            ("account", "TX", "no_sell", "symbol", NO_SELL, "employer blackout"),
        ],
        columns=["scope", "scope_id", "kind", "target_type", "target", "reason"],
    ).to_csv(root / "restrictions.csv", index=False)
    pending_day = (AS_OF + dt.timedelta(days=4)).isoformat()
    pd.DataFrame(
        [(pending_day, "AWAY", "buy", "S7", 5.0)],
        columns=["date", "account_id", "action", "symbol", "quantity"],
    ).to_csv(root / "pending.csv", index=False)
    if policy_yaml:
        (root / "policy.yaml").write_text(policy_yaml, encoding="utf-8")
    return close


def _transactions(close: pd.DataFrame, days: pd.DatetimeIndex) -> list[tuple[object, ...]]:
    def day(offset: int) -> str:
        return days[offset].strftime("%Y-%m-%d")

    def price(offset: int, symbol: str) -> float:
        return float(close[symbol].iloc[offset])

    rows: list[tuple[object, ...]] = [
        (day(0), "TX", "deposit", "", 266_000.0, "", "", "", "", ""),
        (day(0), "IRA", "deposit", "", 20_000.0, "", "", "", "", ""),
        (day(0), "AWAY", "deposit", "", 5_000.0, "", "", "", "", ""),
        (day(1), "TX", "transfer_in", "S0", 1_200.0, "", "", "TX-S0-gift", "2010-05-03", 6_000.0),
    ]
    first, recent = N_DAYS - 300, N_DAYS - 70
    for symbol in SYMBOLS:
        if symbol != EXCLUDED:
            rows.append(
                (
                    day(first),
                    "TX",
                    "buy",
                    symbol,
                    400.0,
                    price(first, symbol),
                    "",
                    f"TX-{symbol}-1",
                    "",
                    "",
                )
            )
            rows.append(
                (
                    day(first),
                    "IRA",
                    "buy",
                    symbol,
                    40.0,
                    price(first, symbol),
                    "",
                    f"IRA-{symbol}-1",
                    "",
                    "",
                )
            )
    for symbol in FALLING:
        rows.append(
            (
                day(recent),
                "TX",
                "buy",
                symbol,
                300.0,
                price(recent, symbol),
                "",
                f"TX-{symbol}-2",
                "",
                "",
            )
        )
    sold = N_DAYS - 11
    rows.append((day(sold), "TX", "sell", "S5", 100.0, price(sold, "S5"), "", "TX-S5-2", "", ""))
    bought = N_DAYS - 6
    rows.append(
        (day(bought), "IRA", "buy", "S6", 10.0, price(bought, "S6"), "", "IRA-S6-2", "", "")
    )
    rows.append(
        (day(first), "AWAY", "buy", "S7", 10.0, price(first, "S7"), "", "AWAY-S7-1", "", "")
    )
    return rows
