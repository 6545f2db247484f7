"""Account positions as the review sees them: holdings, TE budget and ex-ante TE.

Shared by perceive (before trading), evaluate (after the proposed trades) and execute (on the
latest data), so the three always measure the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from agent.review.snapshot import Snapshot
from tools.holdings import Holdings, holdings_of
from tools.risk.tracking import ex_ante_te


def account_holdings(snapshot: Snapshot, account_id: str) -> Holdings:
    return holdings_of(
        snapshot.open_lots(account_id),
        {account_id: snapshot.cash(account_id)},
        snapshot.data.prices_on(),
        [account_id],
        as_of_label=snapshot.as_of.isoformat(),
    )


def holdings_after(
    holdings: Holdings, prices: pd.Series, moves: Iterable[tuple[str, float, float]]
) -> Holdings:
    """``holdings`` after ``moves`` of (symbol, signed shares, cash change)."""
    shares = holdings.shares.copy()
    cash = holdings.cash
    for symbol, quantity, cash_change in moves:
        shares.loc[symbol] = float(shares.get(symbol, 0.0)) + quantity
        cash += cash_change
    shares = shares[shares > 0].sort_index()
    return Holdings(
        account_ids=holdings.account_ids,
        shares=shares,
        values=(shares * prices.reindex(shares.index)).astype(float),
        cash=cash,
    )


def tracking_error(snapshot: Snapshot, holdings: Holdings) -> float:
    """Annualized ex-ante TE of the account (cash counts as an active underweight)."""
    return ex_ante_te(snapshot.risk_model, holdings.weights(), snapshot.data.benchmark_weights())
