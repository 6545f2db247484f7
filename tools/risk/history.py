"""What accounts were worth day by day, replayed from the ledger, and their realized returns.

Ex-post tracking error needs the portfolio's realized daily returns, so the ledger is replayed
once in date order and the accounts are valued at every close of the window: open lots at the
day's close plus cash. Money that enters or leaves from outside (deposits, withdrawals, lots
transferred in) is not performance: the daily return is time-weighted with flows at the end
of the day, ``r_t = (V_t - F_t) / V_(t-1) - 1``. Dividends stay in (they are income).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.dataset import PortfolioData
from tools.household_policy import tax_rates
from tools.ledger import Ledger, LedgerEngine
from tools.models import Transaction


@dataclass(frozen=True, eq=False)
class ValueHistory:
    values: pd.DataFrame  # (T, A) end-of-day value per account: lots at that close + cash
    flows: pd.DataFrame  # (T, A) external money in (+) or out (-) during each day

    def returns(self) -> pd.Series:
        """(T - 1,) daily time-weighted return of the accounts combined.

        NaN on a day that starts with nothing invested (the account did not exist yet).
        """
        values = self.values.sum(axis=1)
        flows = self.flows.sum(axis=1)
        previous = values.shift(1)
        daily = (values - flows) / previous.where(previous > 0) - 1.0
        return daily.iloc[1:]


def replay_with_history(
    data: PortfolioData, account_ids: Sequence[str], n_days: int
) -> tuple[Ledger, ValueHistory]:
    """The ledger at the data's as-of date, and the accounts' values over its last ``n_days``.

    The days are the last ``n_days`` price dates on or before as-of; the ledger includes every
    transaction up to as-of (also those after the last price date). An account's shares are
    re-read from the ledger only on days it traded, and valued with one dot product a day.
    """
    closes = data.close.loc[: pd.Timestamp(data.as_of)].ffill()
    days = closes.index[-n_days:]
    close_rows = closes.loc[days].to_numpy(dtype=float)  # (T, S)
    symbol_column = {symbol: k for k, symbol in enumerate(closes.columns)}
    engine = _engine(data)
    transactions = sorted(data.transactions_until(), key=lambda t: t.date)
    values = np.zeros((len(days), len(account_ids)))
    flows = np.zeros_like(values)
    column = {account_id: j for j, account_id in enumerate(account_ids)}
    shares = np.zeros((len(account_ids), len(closes.columns)))  # (A, S) as of the last trade
    touched = set(account_ids)
    position = 0
    for i, day in enumerate(days):
        prices = closes.loc[day]
        while position < len(transactions) and transactions[position].date <= day.date():
            transaction = transactions[position]
            engine.apply(transaction)
            if transaction.account_id in column:
                flows[i, column[transaction.account_id]] += _external_flow(transaction, prices)
                touched.add(transaction.account_id)
            position += 1
        for account_id in touched:
            shares[column[account_id]] = _shares_by_column(engine, account_id, symbol_column)
        touched.clear()
        for account_id, j in column.items():
            values[i, j] = _market_value(shares[j], close_rows[i]) + engine.cash[account_id]
    engine.apply_all(transactions[position:])
    index = pd.DatetimeIndex(days)
    return engine.ledger(data.as_of), ValueHistory(
        values=pd.DataFrame(values, index=index, columns=list(account_ids)),
        flows=pd.DataFrame(flows, index=index, columns=list(account_ids)),
    )


def _shares_by_column(
    engine: LedgerEngine, account_id: str, symbol_column: dict[str, int]
) -> np.ndarray:
    """(S,) shares the account holds, in the columns of the price panel."""
    held = np.zeros(len(symbol_column))
    for lot in engine.open_lots(account_id):
        held[symbol_column[lot.symbol]] += lot.quantity
    return held


def _market_value(shares: np.ndarray, prices: np.ndarray) -> float:
    """Value of ``shares`` at ``prices``; NaN when a held symbol has no price yet."""
    held = shares != 0
    return float(shares[held] @ prices[held])


def benchmark_returns(data: PortfolioData, days: pd.DatetimeIndex) -> pd.Series:
    """Daily total return of the benchmark on ``days[1:]``, with the weights in force the day
    before (from ``benchmark.csv``), applied to ``adj_close`` returns."""
    prices = data.adj_close.loc[: days[-1]].ffill()
    returns = prices.pct_change(fill_method=None).reindex(days).fillna(0.0)
    weight_dates = data.benchmark["date"].dropna().drop_duplicates().sort_values()
    weights_in_force: dict[pd.Timestamp | None, pd.Series] = {}
    result = []
    for previous, day in itertools.pairwise(days):
        earlier = weight_dates[weight_dates <= previous]
        effective = earlier.iloc[-1] if not earlier.empty else None
        if effective not in weights_in_force:
            weights_in_force[effective] = data.benchmark_weights(previous.date())
        weights = weights_in_force[effective]
        result.append(float(returns.loc[day].reindex(weights.index).fillna(0.0) @ weights))
    return pd.Series(result, index=days[1:])


def _external_flow(transaction: Transaction, prices: pd.Series) -> float:
    if transaction.action == "deposit":
        return transaction.quantity
    if transaction.action == "withdraw":
        return -transaction.quantity
    if transaction.action == "transfer_in" and transaction.symbol is not None:
        return transaction.quantity * float(prices.get(transaction.symbol, np.nan))
    return 0.0


def _engine(data: PortfolioData) -> LedgerEngine:
    """A ledger engine with each household's tax rates (``min_tax`` relief ranks with them)."""
    default, household_rates = tax_rates(data.policy_overrides, data.households)
    return LedgerEngine(data.accounts, data.securities, *default, household_rates)
