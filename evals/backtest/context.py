"""What a strategy sees on one trading day of a backtest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from evals.backtest.market import Market
from policies import Policy
from tools.ledger import LedgerEngine
from tools.models import Account, Lot


@dataclass(frozen=True, eq=False)
class DayContext:
    day: int  # row of ``market.prices``
    date: dt.date
    market: Market
    engine: LedgerEngine  # the account's books after every earlier fill (do not apply to it)
    account: Account
    policy: Policy  # with this year's loss carryforward
    decision: bool  # a decision day at the configured frequency
    month_start: bool  # the first trading day of a calendar month
    purchases: dict[str, list[tuple[dt.date, str]]]  # wash key -> (date, lot_id) of buys

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
