"""Market values of accounts: open lots at the as-of close, plus cash.

The one place where lots become positions and weights, for tracking error, the optimizer
and the review's observations. A held symbol without a price is an error, not a zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tools.dataset import missing_prices
from tools.models import Lot


@dataclass(frozen=True)
class Holdings:
    account_ids: tuple[str, ...]  # the accounts combined (one for an account view)
    shares: pd.Series  # symbol -> shares held (positive only)
    values: pd.Series  # symbol -> market value at the as-of close
    cash: float

    @property
    def invested(self) -> float:
        return float(self.values.sum())

    @property
    def total(self) -> float:
        return self.invested + self.cash

    def weights(self, include_cash: bool = True) -> pd.Series:
        """Security weights; with cash in the denominator by default (cash is active risk)."""
        denominator = self.total if include_cash else self.invested
        if denominator <= 0:
            return self.values * 0.0
        return self.values / denominator


def holdings_of(
    lots: Iterable[Lot],
    cash: dict[str, float],
    prices: pd.Series,
    account_ids: Iterable[str],
    as_of_label: str = "",
) -> Holdings:
    """Holdings of ``account_ids`` combined, valued with ``prices`` (symbol -> close)."""
    wanted = tuple(account_ids)
    chosen = set(wanted)
    shares: dict[str, float] = {}
    for lot in lots:
        if lot.account_id in chosen and lot.quantity > 0:
            shares[lot.symbol] = shares.get(lot.symbol, 0.0) + lot.quantity
    share_series = pd.Series(shares, dtype=float).sort_index()
    aligned = prices.reindex(share_series.index)
    missing = aligned[aligned.isna()].index.tolist()
    if missing:
        raise missing_prices(missing, as_of_label or "the as-of date")
    return Holdings(
        account_ids=wanted,
        shares=share_series,
        values=(share_series * aligned).astype(float),
        cash=float(sum(cash.get(account_id, 0.0) for account_id in wanted)),
    )
