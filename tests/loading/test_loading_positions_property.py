"""Property: the column-wise oversell check agrees with a plain row-by-row replay.

A split is the company's event: its first row of a (symbol, date) splits every account's
shares, later rows of that day are the same event, and another ratio is an error.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.loading.csv_reader import CsvTable
from tools.loading.positions_check import held_on, share_moves
from tools.loading.transactions import parse_transactions
from tools.tolerances import POSITION_TOLERANCE

DATES = ["2024-03-01", "2024-03-04", "2024-03-05"]
COLUMNS = ["date", "account_id", "action", "symbol", "quantity", "price", "lot_id"]

row_strategy = st.tuples(
    st.sampled_from(DATES),
    st.sampled_from(["A", "B"]),
    st.sampled_from(["buy", "buy", "sell", "sell", "split", "reinvest"]),
    st.sampled_from(["X", "Y"]),
    st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.5]),
    st.sampled_from(["", "", "L1", "L2"]),
    st.sampled_from(DATES),
)


def lot_name(row: tuple) -> str:
    """The lot a row names: a buy's lot is dated on its own date (one lot_id, one purchase);
    a sell may name any lot; splits and reinvestments name none."""
    date, account, action, symbol, _, suffix, lot_date = row
    if not suffix or action in ("split", "reinvest"):
        return ""
    return f"{account}-{symbol}-{date if action == 'buy' else lot_date}-{suffix}"


def as_table(rows: list[tuple]) -> CsvTable:
    cells = []
    for row in rows:
        date, account, action, symbol, quantity = row[:5]
        price = "" if action == "split" else "10"
        cells.append([date, account, action, symbol, str(quantity), price, lot_name(row)])
    return CsvTable("transactions.csv", pd.DataFrame(cells, columns=COLUMNS, dtype=str), "")


ACCOUNTS = ("A", "B")


def replay(rows: list[tuple]) -> tuple[set[int], dict[tuple[str, str], float]]:
    """Rows that oversell (the account, or the named lot) or post a split with another ratio
    than the same day's first split row of the symbol, and the final positions."""
    ordered = sorted(enumerate(rows, start=1), key=lambda item: (item[1][0], item[0]))
    held: dict[tuple[str, str], float] = defaultdict(float)
    lots: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    splits: dict[tuple[str, str], float] = {}  # (symbol, date) -> ratio of the company event
    flagged = set()
    for number, row in ordered:
        date, account, action, symbol, quantity = row[:5]
        pair = (account, symbol)
        lot_id = lot_name(row) or f"row-{number}"
        if action == "split":
            if (symbol, date) in splits:
                if splits[(symbol, date)] != quantity:
                    flagged.add(number)
                continue
            splits[(symbol, date)] = quantity
            for holder in ACCOUNTS:  # the company's split reaches every account
                held[(holder, symbol)] *= quantity
                lots[(holder, symbol)] = {
                    lot: shares * quantity for lot, shares in lots[(holder, symbol)].items()
                }
        elif action in ("buy", "reinvest"):
            held[pair] += quantity
            lots[pair][lot_id] = lots[pair].get(lot_id, 0.0) + quantity
        elif quantity > held[pair] + POSITION_TOLERANCE:
            flagged.add(number)
        else:
            held[pair] -= quantity
            named = lot_name(row)
            if not named:
                continue
            if quantity > lots[pair].get(named, 0.0) + POSITION_TOLERANCE:
                flagged.add(number)
            else:
                lots[pair][named] -= quantity
    return flagged, dict(held)


def running_positions(rows: list[tuple]) -> dict[int, float]:
    """Shares held after each row (sells always applied), replayed in date then row order."""
    ordered = sorted(enumerate(rows, start=1), key=lambda item: (item[1][0], item[0]))
    held: dict[tuple[str, str], float] = defaultdict(float)
    split_days: set[tuple[str, str]] = set()
    after = {}
    for number, (date, account, action, symbol, quantity, *_) in ordered:
        pair = (account, symbol)
        if action == "split":
            if (symbol, date) not in split_days:  # later rows of the day: the same event
                split_days.add((symbol, date))
                for holder in ACCOUNTS:
                    held[(holder, symbol)] *= quantity
        else:
            held[pair] += -quantity if action == "sell" else quantity
        after[number] = held[pair]
    return after


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(row_strategy, min_size=1, max_size=25))
def test_running_positions_match_a_row_by_row_replay(rows):
    parsed, _ = parse_transactions(as_table(rows), None, None)
    moves = share_moves(parsed.frame)
    expected = running_positions(rows)
    assert sorted(moves["row"]) == sorted(expected)
    for row, position in zip(moves["row"], moves["position"], strict=True):
        assert abs(position - expected[row]) < 1e-9


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(row_strategy, min_size=1, max_size=25))
def test_oversells_match_a_row_by_row_replay(rows):
    parsed, problems = parse_transactions(as_table(rows), None, None)
    expected_flagged, positions = replay(rows)
    assert {problem.row for problem in problems} == expected_flagged
    assert all(problem.column in ("quantity", "lot_id") for problem in problems)
    conflicts = [problem for problem in problems if "conflicts with row" in problem.message]
    assert all(rows[problem.row - 1][2] == "split" for problem in conflicts)
    if not expected_flagged:
        holders = held_on(parsed.moves, pd.Timestamp(DATES[-1]).date())
        expected = {pair for pair, shares in positions.items() if shares > POSITION_TOLERANCE}
        assert {
            (account, symbol) for symbol, accounts in holders.items() for account in accounts
        } == expected
