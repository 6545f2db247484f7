"""Loading benchmark: ``load_data_dir`` on 10k, 100k and 1M transaction rows.

Run with ``python -m benchmarks.load``. Each size gets a generated data directory (fixed
seed) with 500 securities, 252 price dates, 20 accounts in 5 households and the given number
of transaction rows: buys, sells that never oversell, a few splits and deposits. Timings are
medians of ``REPEATS`` runs, wall-clock and CPU (steadier when the host is busy), of a full
load and of ``validate_data_dir`` (every check, no models built); peak memory is the largest
traced allocation (``tracemalloc``) during one extra load. Target: 1,000,000 rows in a few
seconds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from tools.loading import load_data_dir, validate_data_dir

SIZES = (10_000, 100_000, 1_000_000)
N_SYMBOLS = 500
N_DATES = 252
N_ACCOUNTS = 20
N_HOUSEHOLDS = 5
REPEATS = 3
SEED = 20240105
TARGET_SECONDS_1M = 5.0
FUNDING_USD = 1e9  # a managed account may not end short of cash (tools.loading.cash_check)


def write_reference_files(root: Path, rng: np.random.Generator) -> pd.DatetimeIndex:
    """securities, accounts, prices and benchmark: the same for every size."""
    symbols = [f"S{i:03d}" for i in range(N_SYMBOLS)]
    pd.DataFrame(
        {
            "symbol": symbols,
            "name": [f"Company {s}" for s in symbols],
            "sector": [f"Sector {i % 11}" for i in range(N_SYMBOLS)],
            "industry": [f"Industry {i % 60}" for i in range(N_SYMBOLS)],
            "esg_score": rng.uniform(0, 100, N_SYMBOLS).round(1),
        }
    ).to_csv(root / "securities.csv", index=False)
    pd.DataFrame(
        {
            "account_id": [f"A{i:02d}" for i in range(N_ACCOUNTS)],
            "household_id": [f"H{i % N_HOUSEHOLDS}" for i in range(N_ACCOUNTS)],
            "owner": [f"owner{i % (2 * N_HOUSEHOLDS)}" for i in range(N_ACCOUNTS)],
            "tax_type": ["taxable", "traditional_ira", "roth_ira", "taxable"] * (N_ACCOUNTS // 4),
            "managed": "true",
        }
    ).to_csv(root / "accounts.csv", index=False)
    dates = pd.bdate_range("2023-01-02", periods=N_DATES)
    paths = 50 * np.cumprod(1 + rng.normal(0, 0.015, (N_DATES, N_SYMBOLS)), axis=0)
    pd.DataFrame(
        {
            "date": np.repeat(dates.strftime("%Y-%m-%d"), N_SYMBOLS),
            "symbol": np.tile(symbols, N_DATES),
            "close": paths.ravel().round(2),
        }
    ).to_csv(root / "prices.csv", index=False)
    weights = rng.uniform(0.5, 1.5, N_SYMBOLS)
    weights /= weights.sum()
    weights[-1] = 1 - weights[:-1].sum()
    pd.DataFrame({"symbol": symbols, "weight": weights}).to_csv(root / "benchmark.csv", index=False)
    return dates


def write_transactions(
    root: Path, rows: int, dates: pd.DatetimeIndex, rng: np.random.Generator
) -> None:
    """Rows cycle over (account, symbol) pairs in date order; each pair's fourth row sells
    half of a buy, every 97th is a 2-for-1 split, and a few rows are cash (the first row of
    each account a deposit funding all its buys)."""
    index = np.arange(rows)
    pairs = N_ACCOUNTS * N_SYMBOLS
    account = index % N_ACCOUNTS
    symbol = (index // N_ACCOUNTS) % N_SYMBOLS
    visit = index // pairs  # how many times this pair was seen before
    action = np.where(visit % 4 == 3, "sell", "buy").astype(object)
    action[visit % 97 == 96] = "split"
    funding = index < N_ACCOUNTS  # each account's first row funds all its buys
    cash = (index % 1000 == 999) | funding
    action[cash] = "deposit"
    quantity = np.where(action == "sell", 5.0, 10.0)
    quantity[action == "split"] = 2.0
    quantity[cash] = 1000.0
    quantity[funding] = FUNDING_USD
    price = rng.uniform(20, 80, rows).round(2).astype(str).astype(object)
    price[(action == "split") | cash] = ""
    day = dates[np.minimum(index * N_DATES // rows, N_DATES - 1)].strftime("%Y-%m-%d")
    symbols = np.array([f"S{i:03d}" for i in range(N_SYMBOLS)], dtype=object)[symbol]
    symbols[cash] = ""
    pd.DataFrame(
        {
            "date": day,
            "account_id": np.array([f"A{i:02d}" for i in range(N_ACCOUNTS)], dtype=object)[account],
            "action": action,
            "symbol": symbols,
            "quantity": quantity,
            "price": price,
            "fees": np.where(index % 10 == 0, "1.00", ""),
            "lot_id": "",
        }
    ).to_csv(root / "transactions.csv", index=False)


def median_seconds(run: Callable[[], object]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``run`` (CPU time is steadier on a busy host)."""
    wall, cpu = [], []
    for _ in range(REPEATS):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def peak_traced_mib(root: Path) -> float:
    tracemalloc.start()
    try:
        load_data_dir(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    rng = np.random.default_rng(SEED)
    print(
        f"{'rows':>10}  {'load wall s':>11}  {'load cpu s':>10}  {'validate cpu s':>14}  "
        f"{'peak MiB':>8}  {'file MB':>7}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        dates = write_reference_files(root, rng)
        for rows in SIZES:
            write_transactions(root, rows, dates, rng)
            size_mb = (root / "transactions.csv").stat().st_size / 1e6
            seconds, cpu_seconds = median_seconds(lambda: load_data_dir(root))
            _, validate_cpu_seconds = median_seconds(lambda: validate_data_dir(root))
            peak = peak_traced_mib(root)
            print(
                f"{rows:>10,}  {seconds:>11.2f}  {cpu_seconds:>10.2f}  "
                f"{validate_cpu_seconds:>14.2f}  {peak:>8.0f}  {size_mb:>7.1f}",
                flush=True,
            )
    verdict = "met" if cpu_seconds <= TARGET_SECONDS_1M else "MISSED"
    print(
        f"target: {SIZES[-1]:,} rows loaded in <= {TARGET_SECONDS_1M:.0f} s of CPU: {verdict} "
        f"({cpu_seconds:.2f} s, including {N_DATES * N_SYMBOLS:,} price rows and building "
        f"{SIZES[-1]:,} Transaction models)"
    )


if __name__ == "__main__":
    main()
