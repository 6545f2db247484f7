"""A small data directory on disk (CONTRACTS §1) over a synthetic market, for report and CLI tests.

Accounts of household H1:

* ``A1`` (managed): funded and invested in the benchmark's exact proportions on the as-of
  date, so its TE is 0 and it has no history for ex-post TE;
* ``A2`` (managed, te_budget 0.02): one stock, ``S005``, bought 300 days back with no cash
  left over; a deposit later is invested the same day, and the stock splits 2-for-1. With
  no idle cash its realized return is exactly the stock's return;
* ``A3`` (held away, not managed): one stock, never part of a household TE.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tests.risk.synthetic import SyntheticMarket, make_market

HELD_STOCK = "S005"
SPLIT_DAYS_BEFORE_END = 40
DEPOSIT_DAYS_BEFORE_END = 120
BUY_DAYS_BEFORE_END = 300
A1_VALUE = 100_000.0


@dataclass(frozen=True, eq=False)
class DataDir:
    root: Path
    market: SyntheticMarket
    close: pd.DataFrame  # traded closes written to prices.csv (split applied to HELD_STOCK)
    a1_shares: pd.Series
    a2_shares: float  # after the split


def write_data_dir(root: Path, policy_yaml: str = "") -> DataDir:
    market = make_market(n_symbols=30, n_days=400, seed=21)
    adjusted = market.prices
    dates = adjusted.index
    split_day = dates[-SPLIT_DAYS_BEFORE_END]
    close = adjusted.copy()
    close.loc[split_day:, HELD_STOCK] /= 2.0
    root.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        [(s.symbol, s.name, s.sector, s.industry) for s in market.securities.values()],
        columns=["symbol", "name", "sector", "industry"],
    ).to_csv(root / "securities.csv", index=False)
    prices = pd.DataFrame(
        {
            "date": [d.strftime("%Y-%m-%d") for d in dates for _ in close.columns],
            "symbol": list(close.columns) * len(dates),
            "close": close.to_numpy().ravel(),
            "adj_close": adjusted.to_numpy().ravel(),
        }
    )
    prices.to_csv(root / "prices.csv", index=False, float_format="%.10f")
    market.benchmark.rename("weight").rename_axis("symbol").reset_index().to_csv(
        root / "benchmark.csv", index=False, float_format="%.15f"
    )
    (root / "accounts.csv").write_text(
        "account_id,household_id,owner,tax_type,managed,te_budget\n"
        "A1,H1,pat,taxable,true,\n"
        "A2,H1,pat,roth_ira,true,0.02\n"
        "A3,H1,sam,taxable,false,\n"
    )
    rows: list[tuple[str, str, str, str, float, float | None]] = []
    last = dates[-1]
    a1_shares = market.benchmark * A1_VALUE / close.loc[last]
    rows.append((_day(last), "A1", "deposit", "", A1_VALUE, None))
    rows += [(_day(last), "A1", "buy", s, q, close.loc[last, s]) for s, q in a1_shares.items()]
    bought = dates[-BUY_DAYS_BEFORE_END]
    rows.append((_day(bought), "A2", "deposit", "", 100 * close.loc[bought, HELD_STOCK], None))
    rows.append((_day(bought), "A2", "buy", HELD_STOCK, 100.0, close.loc[bought, HELD_STOCK]))
    topped = dates[-DEPOSIT_DAYS_BEFORE_END]
    extra = 1000.0 / close.loc[topped, HELD_STOCK]
    rows.append((_day(topped), "A2", "deposit", "", 1000.0, None))
    rows.append((_day(topped), "A2", "buy", HELD_STOCK, extra, close.loc[topped, HELD_STOCK]))
    rows.append((_day(split_day), "A2", "split", HELD_STOCK, 2.0, None))
    rows.append((_day(dates[10]), "A3", "deposit", "", 5000.0, None))
    rows.append((_day(dates[10]), "A3", "buy", "S001", 10.0, close.loc[dates[10], "S001"]))
    pd.DataFrame(
        sorted(rows, key=lambda row: row[0]),
        columns=["date", "account_id", "action", "symbol", "quantity", "price"],
    ).to_csv(root / "transactions.csv", index=False, float_format="%.12f")
    if policy_yaml:
        (root / "policy.yaml").write_text(policy_yaml)
    return DataDir(root, market, close, a1_shares, 2.0 * (100.0 + extra))


def _day(timestamp: pd.Timestamp) -> str:
    return timestamp.strftime("%Y-%m-%d")
