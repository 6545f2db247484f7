"""Ledger benchmark: replaying 10k, 100k and 1M transactions through the wash-sale engine.

Run with ``python -m benchmarks.ledger``. Each size gets its own synthetic history (fixed
seed) over 10 accounts in 2 households (taxable accounts on fifo, hifo, min_tax and
specific relief, a held-away account, traditional and Roth IRAs), 500 symbols of which 100
sit in 50 identical groups, and prices wandering around a base level (mean-reverting, so
the mix of gains and losses is the same early and late) so sales land at gains and at
losses. The mix is about 50% buys, 8% reinvestments, 30% sells (5-50% of the position, or a
named lot in the specific-identification account; loss sales within 30 days of purchases
are common, so the wash-sale books are busy), 8% dividends, deposits and a few splits,
about 400 rows a day. A quarter of the rows trade 50 "hot" symbols, whose positions hold
the most lots.

Rows are built as ``Transaction`` objects before the clock starts, sharing one string per
symbol as loaded rows do: the figure is the replay alone (loading is measured by
``benchmarks.load``). Each size runs in a fresh process, which
reports the replay's wall and CPU time and the peak resident memory (``VmHWM``), with the
part the history itself takes before the replay starts; each size runs three times and the
median run is reported, with the spread of CPU times. The work grows faster than the rows
(positions hold more lots, so a sale relieves more parts): the CPU time per event (row,
disposal or wash-sale match) shows whether each unit of work stays as cheap. Target:
1,000,000 rows in at most 10 s.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import random
import resource
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.ledger import replay_ledger
from tools.models import Account, Security, Transaction

SIZES = (10_000, 100_000, 1_000_000)
ROWS_PER_DAY = 400
N_SYMBOLS = 500
N_GROUPED = 100  # symbols S000..S099 form 50 identical pairs
SEED = 20240611
TARGET_SECONDS_1M = 10.0
# "spawn": a new interpreter, not a fork of this one, so what ran before in this process
# (``make bench`` runs every benchmark in one) leaves nothing in the measured process's heap.
FRESH_PROCESS = multiprocessing.get_context("spawn")
REPEATS = 3  # runs per size; the median is reported (a shared machine makes single runs noisy)
# The row mix, as cumulative probabilities of one draw: sell, buy, reinvest, dividend,
# deposit, split.
SELL_UNTIL = 0.30
BUY_UNTIL = 0.80
REINVEST_UNTIL = 0.88
DIVIDEND_UNTIL = 0.96
DEPOSIT_UNTIL = 0.9998
# One string object per symbol, as ``load_data_dir`` gives: pandas' CSV parser reuses one
# object for each distinct value of a column.
SYMBOLS = tuple(f"S{i:03d}" for i in range(N_SYMBOLS))
HOT_SYMBOLS = 50  # a quarter of the rows trade these, so their positions hold many lots
HOT_SHARE = 0.25
SPECIFIC_LOTS_KEPT = 8  # the specific-identification account sells once it holds more lots
START = dt.date(2015, 1, 2)
ACCOUNT_SPECS = (  # account_id, household, tax_type, relief, managed
    ("A0", "H0", "taxable", "fifo", True),
    ("A1", "H0", "taxable", "hifo", True),
    ("A2", "H0", "taxable", "min_tax", True),
    ("A3", "H0", "traditional_ira", "fifo", True),
    ("A4", "H0", "roth_ira", "fifo", True),
    ("A5", "H1", "taxable", "fifo", True),
    ("A6", "H1", "taxable", "specific", True),
    ("A7", "H1", "taxable", "fifo", False),
    ("A8", "H1", "401k", "fifo", True),
    ("A9", "H1", "taxable", "hifo", True),
)


@dataclass(frozen=True)
class Result:
    rows: int
    seconds: float  # wall clock
    cpu_seconds: float  # process CPU time: what the replay costs when other work shares the cores
    peak_mib: float
    history_mib: float  # peak resident memory once the history is built, before the replay
    disposals: int
    wash_sales: int
    open_lots: int


def accounts() -> dict[str, Account]:
    return {
        account_id: Account(
            account_id=account_id,
            household_id=household,
            owner="owner",
            tax_type=tax_type,
            managed=managed,
            relief_method=relief,
        )
        for account_id, household, tax_type, relief, managed in ACCOUNT_SPECS
    }


def securities() -> dict[str, Security]:
    return {
        f"S{i:03d}": Security(
            symbol=f"S{i:03d}",
            name=f"Company {i}",
            sector="Sector",
            industry="Industry",
            identical_group=f"G{i // 2}" if i < N_GROUPED else None,
        )
        for i in range(N_SYMBOLS)
    }


def history(n_rows: int, seed: int = SEED) -> list[Transaction]:
    """``n_rows`` valid rows in date order: sells never oversell, specific sells name lots.

    Accounts trade at random, blind to the wash-sale rule, so most loss sales meet a
    replacement: a stress test of the wash-sale books.
    """
    rng = random.Random(seed)
    build = Transaction.model_construct
    base = [rng.uniform(20.0, 200.0) for _ in range(N_SYMBOLS)]
    drift = [0.0] * N_SYMBOLS  # log price around the base, mean-reverting: a stationary mix
    prices = list(base)
    held: dict[tuple[str, int], float] = defaultdict(float)
    specific_lots: dict[int, dict[str, float]] = defaultdict(dict)  # A6: lot -> shares
    account_ids = [spec[0] for spec in ACCOUNT_SPECS]
    rows: list[Transaction] = []
    day = START
    while len(rows) < n_rows:
        day += dt.timedelta(days=1)
        for index in range(N_SYMBOLS):  # one step a day
            drift[index] = 0.98 * drift[index] + rng.gauss(0.0, 0.03)
            prices[index] = base[index] * math.exp(drift[index])
        for _ in range(min(ROWS_PER_DAY, n_rows - len(rows))):
            row = len(rows) + 1
            account_id = rng.choice(account_ids)
            hot = rng.random() < HOT_SHARE
            symbol_index = rng.randrange(HOT_SYMBOLS if hot else N_SYMBOLS)
            symbol = SYMBOLS[symbol_index]
            price = round(prices[symbol_index], 2)
            key = (account_id, symbol_index)
            draw = rng.random()
            if account_id == "A6" and len(specific_lots[symbol_index]) > SPECIFIC_LOTS_KEPT:
                draw = 0.0  # this account trims its oldest ideas: sell a named lot
            lot_id: str | None = None
            traded_price: float | None = price
            row_symbol: str | None = symbol
            if draw < SELL_UNTIL and held[key] > 0.0:
                action = "sell"
                if account_id == "A6":  # a named lot: all of it, or a part
                    lots = specific_lots[symbol_index]
                    lot_id = rng.choice(list(lots))
                    quantity = lots[lot_id]
                    if rng.random() < 0.4:
                        quantity = max(1.0, round(quantity * rng.uniform(0.1, 0.9)))
                    lots[lot_id] -= quantity
                    if lots[lot_id] <= 0.0:
                        del lots[lot_id]
                else:
                    quantity = min(held[key], max(1.0, round(held[key] * rng.uniform(0.05, 0.5))))
                held[key] -= quantity
            elif draw < REINVEST_UNTIL:
                action = "reinvest" if draw > BUY_UNTIL else "buy"
                quantity = float(rng.randint(1, 30))
                held[key] += quantity
                lot_id = f"row-{row}"
                if account_id == "A6":
                    specific_lots[symbol_index][lot_id] = quantity
            elif draw < DIVIDEND_UNTIL:
                action, quantity, traded_price = "dividend", round(rng.uniform(1, 50), 2), None
            elif draw < DEPOSIT_UNTIL:
                action, quantity, traded_price, row_symbol = "deposit", 1000.0, None, None
            else:
                action, quantity, traded_price = "split", 2.0, None
                held[key] *= 2.0
                for split_lot in list(specific_lots[symbol_index]) if account_id == "A6" else ():
                    specific_lots[symbol_index][split_lot] *= 2.0
            rows.append(
                build(
                    row=row,
                    date=day,
                    account_id=account_id,
                    action=action,
                    symbol=row_symbol,
                    quantity=quantity,
                    price=traded_price,
                    fees=0.0,
                    lot_id=lot_id,
                )
            )
    return rows


def peak_rss_kib() -> int:
    """Peak resident memory of this process's own address space, in KiB.

    ``VmHWM`` from ``/proc/self/status`` starts afresh at exec; ``ru_maxrss`` would also count
    the parent this spawned process was forked from before it exec'd.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(n_rows: int) -> Result:
    """Build the history, then time the replay alone (run in a fresh process)."""
    rows = history(n_rows)
    known_accounts, known_securities = accounts(), securities()
    history_kib = peak_rss_kib()
    started, started_cpu = time.perf_counter(), time.process_time()
    ledger = replay_ledger(rows, known_accounts, known_securities, 0.458, 0.288)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    peak_kib = peak_rss_kib()
    return Result(
        rows=n_rows,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        peak_mib=peak_kib / 1024.0,
        history_mib=history_kib / 1024.0,
        disposals=len(ledger.disposals),
        wash_sales=len(ledger.wash_sales),
        open_lots=sum(1 for _ in ledger.engine.lots.parts()),
    )


def main() -> None:
    results = []
    spreads = []
    for size in SIZES:
        runs = []
        for _ in range(REPEATS):
            with ProcessPoolExecutor(max_workers=1, mp_context=FRESH_PROCESS) as pool:
                runs.append(pool.submit(measure, size).result())
        runs.sort(key=lambda result: result.cpu_seconds)
        results.append(runs[len(runs) // 2])  # the median run by CPU time
        spreads.append((runs[0].cpu_seconds, runs[-1].cpu_seconds))
    print(f"median of {REPEATS} runs per size (each in a fresh process)")
    print(
        f"{'rows':>10} {'replay s':>9} {'cpu s':>7} {'cpu min-max':>12} {'us/row':>7} "
        f"{'cpu x prev':>10} {'us/event':>8} {'peak MiB':>9} {'of it rows':>10} "
        f"{'disposals':>10} {'wash sales':>11} {'open parts':>11}"
    )
    previous: Result | None = None
    for result, (fastest, slowest) in zip(results, spreads, strict=True):
        growth = (
            f"{result.cpu_seconds / previous.cpu_seconds:10.1f}"
            if previous is not None
            else f"{'-':>10}"
        )
        # The work grows faster than the rows (positions hold more lots, so a sale relieves
        # more parts): CPU time per event (row, disposal or wash-sale match) shows the cost
        # of each unit of work staying flat.
        events = result.rows + result.disposals + result.wash_sales
        spread = f"{fastest:.2f}-{slowest:.2f}"
        print(
            f"{result.rows:>10,} {result.seconds:9.2f} {result.cpu_seconds:7.2f} {spread:>12} "
            f"{result.seconds / result.rows * 1e6:7.2f} {growth} "
            f"{result.cpu_seconds / events * 1e6:8.2f} {result.peak_mib:9.0f} "
            f"{result.history_mib:10.0f} {result.disposals:>10,} {result.wash_sales:>11,} "
            f"{result.open_lots:>11,}"
        )
        previous = result
    largest = results[-1]
    verdict = "meets" if largest.seconds <= TARGET_SECONDS_1M else "MISSES"
    print(
        f"1M-row replay, median of {REPEATS}: {largest.seconds:.2f} s "
        f"(cpu {largest.cpu_seconds:.2f} s) {verdict} the {TARGET_SECONDS_1M:.0f} s target"
    )


if __name__ == "__main__":
    main()
