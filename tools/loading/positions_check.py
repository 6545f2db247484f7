"""Running share positions per account and symbol: oversold sells and held symbols.

Rows apply in date order, then file order (docs/CONTRACTS.md §1); a split multiplies the
shares held by its ratio. A split is the company's event: its first row for a (symbol, date)
splits the symbol in every account, whichever accounts post it, and later rows of the same
symbol, date and ratio are the same event (a different ratio is an error naming both rows).
The running positions are computed column-wise: with ``R_k`` the product of the symbol's
split ratios up to row ``k`` and ``d_k`` the signed change in shares of one (account, symbol),
``position_k = R_k * sum(d_j / R_j for j <= k)``. Only the (account, symbol) pairs whose
position goes negative are replayed row by row, to word exact messages.

Specific-lot sells are checked against the shares the named lot can still hold: its purchases
less the sells that name it. Sells without a ``lot_id`` relieve lots by the account's relief
method, which is the ledger's job, so this is a necessary condition only; the ledger enforces
the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.models import ACQUISITION_ACTIONS
from tools.tolerances import POSITION_TOLERANCE

LOT_OPENING_ACTIONS: tuple[str, ...] = (*sorted(ACQUISITION_ACTIONS), "transfer_in")
SHARE_ACTIONS: tuple[str, ...] = (*LOT_OPENING_ACTIONS, "sell", "split")
_MOVE_COLUMNS = ["row", "date", "account_id", "symbol", "action", "quantity", "lot_id"]


def shares(quantity: float) -> str:
    """A share count for messages: up to six decimals, no trailing zeros."""
    text = f"{quantity:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def share_moves(transactions: pd.DataFrame) -> pd.DataFrame:
    """The share-moving rows of ``transactions`` in date order (file order within a date),
    with running positions.

    ``transactions`` has the typed columns of ``_MOVE_COLUMNS`` (date as datetime64) and only
    rows whose date, account, action, symbol and quantity are valid. Adds ``group`` (one id
    per account and symbol), ``cum_ratio`` (product of split ratios so far) and ``position``
    (shares held after the row).
    """
    rows = transactions.loc[transactions["action"].isin(SHARE_ACTIONS), _MOVE_COLUMNS]
    if rows.empty:
        return rows.assign(group=np.int64(0), cum_ratio=1.0, position=0.0)
    account_codes, _ = pd.factorize(rows["account_id"])
    symbol_codes, symbols = pd.factorize(rows["symbol"])
    group = account_codes.astype(np.int64) * len(symbols) + symbol_codes
    # Date order, file order within a date: a stable sort, skipped when the file is in order.
    # The groupby operations below need each group's rows in order, not the groups together.
    dates = rows["date"].to_numpy()
    if np.all(dates[1:] >= dates[:-1]):
        moves = rows.reset_index(drop=True)
    else:
        order = np.argsort(dates, kind="stable")
        moves = rows.iloc[order].reset_index(drop=True)
        group = group[order]
    action = moves["action"]
    quantity = moves["quantity"].to_numpy(dtype=float)
    split_event = ((action == "split") & ~moves.duplicated(["action", "symbol", "date"])).to_numpy()
    ratio = np.where(split_event, quantity, 1.0)
    delta = np.select(
        [action.isin(LOT_OPENING_ACTIONS).to_numpy(), (action == "sell").to_numpy()],
        [quantity, -quantity],
        0.0,
    )
    # Each symbol's splits so far, whichever account posted them: a split is the company's.
    cum_ratio = pd.Series(ratio).groupby(group % len(symbols)).cumprod().to_numpy()
    position = cum_ratio * pd.Series(delta / cum_ratio).groupby(group).cumsum().to_numpy()
    return moves.assign(group=group, cum_ratio=cum_ratio, position=position)


def split_conflict_problems(moves: pd.DataFrame, file_name: str) -> list[Problem]:
    """Split rows of one symbol and date whose ratio differs from the first such row's."""
    splits = moves[moves["action"] == "split"]
    first = splits.groupby(["symbol", "date"], sort=False)[["row", "quantity"]].transform("first")
    conflicting = splits[splits["quantity"].to_numpy() != first["quantity"].to_numpy()]
    return [
        Problem(
            file_name,
            int(row.row),
            "quantity",
            f"split of {row.symbol} on {row.date:%Y-%m-%d} with ratio {row.quantity:g} "
            f"conflicts with row {int(first_row)}'s ratio {first_ratio:g}: one company split "
            "has one ratio",
        )
        for row, first_row, first_ratio in zip(
            conflicting.itertuples(index=False),
            first.loc[conflicting.index, "row"],
            first.loc[conflicting.index, "quantity"],
            strict=True,
        )
    ]


def oversell_problems(
    moves: pd.DataFrame, file_name: str, unreplayable: Collection[tuple[str, str]] = ()
) -> list[Problem]:
    """Sells of more shares than the account holds, or than the named lot can hold.

    ``unreplayable`` lists (account_id, symbol) pairs with a share-moving row that could not
    be placed (bad date or quantity, unknown action): their positions are unknown, so their
    sells are not judged; the row at fault is reported on its own.
    """
    if unreplayable:
        pairs = pd.MultiIndex.from_arrays([moves["account_id"], moves["symbol"]])
        moves = moves[~pairs.isin(list(unreplayable))]
    sells = (moves["action"] == "sell").to_numpy()
    oversold = sells & (moves["position"].to_numpy() < -POSITION_TOLERANCE)
    suspects = moves[np.isin(moves["group"], np.unique(moves["group"][oversold]))]
    problems: list[Problem] = []
    for _, part in suspects.groupby("group", sort=False):
        problems += _replay_position(part, file_name)
    flagged = {problem.row for problem in problems}
    return problems + _lot_problems(moves, file_name, flagged)


def _replay_position(part: pd.DataFrame, file_name: str) -> list[Problem]:
    """Replay one account and symbol, skipping each oversold sell so it is reported alone."""
    units = 0.0  # shares at the symbol's first split level (splits in any account count)
    problems = []
    for move in part.itertuples(index=False):
        held = units * move.cum_ratio
        if move.action == "split":
            continue
        if move.action != "sell":
            units += move.quantity / move.cum_ratio
        elif move.quantity > held + POSITION_TOLERANCE:
            message = (
                f"sell of {shares(move.quantity)} {move.symbol} on {move.date:%Y-%m-%d} exceeds "
                f"the {shares(held)} shares held in account {move.account_id}"
            )
            problems.append(Problem(file_name, move.row, "quantity", message))
        else:
            units -= move.quantity / move.cum_ratio
    return problems


def _lot_problems(moves: pd.DataFrame, file_name: str, flagged: set[int | None]) -> list[Problem]:
    """Specific-lot sells against the lots they name (only lots some sell names are tracked)."""
    action, lot_id = moves["action"], moves["lot_id"]
    sold_lots = lot_id[(action == "sell") & (lot_id != "")].unique()
    if len(sold_lots) == 0:
        return []
    named = moves[lot_id.isin(sold_lots) & (action.isin(LOT_OPENING_ACTIONS) | (action == "sell"))]
    lot = named.groupby(["group", "lot_id"], sort=False).ngroup().to_numpy()
    quantity = named["quantity"].to_numpy(dtype=float)
    cum_ratio = named["cum_ratio"].to_numpy()
    is_sell = (named["action"] == "sell").to_numpy()
    units = np.where(is_sell, -quantity, quantity) / cum_ratio
    in_lot = cum_ratio * pd.Series(units).groupby(lot).cumsum().to_numpy()
    suspects = np.unique(lot[is_sell & (in_lot < -POSITION_TOLERANCE)])
    problems: list[Problem] = []
    for _, part in named[np.isin(lot, suspects)].groupby(lot[np.isin(lot, suspects)], sort=False):
        problems += _replay_lot(part, file_name, flagged)
    return problems


def _replay_lot(part: pd.DataFrame, file_name: str, flagged: set[int | None]) -> list[Problem]:
    """Replay one lot in split-adjusted units (shares at the first row's split level)."""
    units = 0.0
    opened = False
    problems = []
    for move in part.itertuples(index=False):
        if move.action != "sell":
            units += move.quantity / move.cum_ratio
            opened = True
            continue
        held = units * move.cum_ratio
        if move.row in flagged:  # already reported as an account-level oversell; not applied
            continue
        if move.quantity <= held + POSITION_TOLERANCE:
            units -= move.quantity / move.cum_ratio
            continue
        if not opened:
            message = (
                f"sell names lot '{move.lot_id}', but no buy, reinvest or transfer_in of "
                f"{move.symbol} in account {move.account_id} on or before "
                f"{move.date:%Y-%m-%d} has that lot_id"
            )
            problems.append(Problem(file_name, move.row, "lot_id", message))
        else:
            message = (
                f"sell of {shares(move.quantity)} {move.symbol} from lot '{move.lot_id}' on "
                f"{move.date:%Y-%m-%d} exceeds the {shares(held)} shares left in that lot"
            )
            problems.append(Problem(file_name, move.row, "quantity", message))
    return problems


def held_on(moves: pd.DataFrame, as_of: dt.date) -> dict[str, list[str]]:
    """Symbols with a positive position at the end of ``as_of``, with the accounts holding them."""
    upto = moves[moves["date"] <= pd.Timestamp(as_of)]
    last = upto.groupby("group", sort=False).tail(1)
    held = last[last["position"] > POSITION_TOLERANCE]
    holders: dict[str, list[str]] = {}
    for symbol, account_id in zip(held["symbol"], held["account_id"], strict=True):
        holders.setdefault(symbol, []).append(account_id)
    return holders


def missing_price_problems(
    holders: dict[str, list[str]],
    priced: frozenset[str],
    as_of: dt.date,
    prices_name: str,
    previous_price_date: dt.date | None,
) -> list[Problem]:
    """Held symbols without a price row on the as-of date (positions could not be valued).

    When no symbol at all is priced that day (a weekend or holiday), each message names the
    last price date before it, the likely intended as-of.
    """
    hint = ""
    if not priced and previous_price_date is not None:
        hint = (
            f"; {prices_name} has no rows on that date, the last price date before it is "
            f"{previous_price_date.isoformat()}"
        )
    return [
        Problem(
            prices_name,
            None,
            None,
            f"no price for held symbol {symbol} on the as-of date {as_of.isoformat()} "
            f"(held in account {', '.join(holders[symbol])}){hint}",
        )
        for symbol in sorted(holders)
        if symbol not in priced
    ]
