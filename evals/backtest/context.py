"""What a strategy sees on one trading day of a backtest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from evals.backtest.market import Market
from policies import Policy, load_policy
from tools.ledger import LedgerEngine
from tools.models import Account, Lot, Transaction


@dataclass(frozen=True, eq=False)
class DayContext:
    day: int  # row of ``market.prices``
    date: dt.date
    market: Market
    engine: LedgerEngine  # the account's books after every earlier fill (do not apply to it)
    transactions: Sequence[Transaction]  # every row applied to ``engine`` so far, in order
    account: Account
    policy_overrides: dict[str, Any]  # the backtest's terms, with this year's carryforward
    decision: bool  # a decision day at the configured frequency
    month_start: bool  # the first trading day of a calendar month
    purchases: dict[str, list[tuple[dt.date, str]]]  # wash key -> (date, lot_id) of buys

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.policy_overrides)

    @property
    def prices(self) -> pd.Series:
        return self.market.prices.iloc[self.day]

    @property
    def cash(self) -> float:
        return float(self.engine.cash[self.account.account_id])

    @property
    def half_spread(self) -> float:
        return self.policy.costs.spread_bps / 2.0 / 10_000.0

    def lots(self) -> list[Lot]:
        return [lot for lot in self.engine.open_lots(self.account.account_id) if lot.quantity > 0]
