"""Traded closes and adjusted closes from total returns, dividends and one 2-for-1 split.

The factor model gives total-return paths. The traded close is that path less the dividends
paid out (the price drops by the dividend on the ex-date) and halved on the split date.
``adj_close`` follows the usual back-adjustment: equal to the close on the last date, and
earlier closes multiplied by ``1 - dividend / previous close`` for every later ex-date and
by ``1 / ratio`` for every later split, so returns computed from it are total returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tools.synthetic.calendar import first_day_on_or_after, ordinals
from tools.synthetic.market import SimulatedReturns
from tools.synthetic.universe import DIVIDEND_COHORTS, Universe

SPLIT_RATIO = 2
EX_DIVIDEND_DAY_OF_MONTH = 10  # cohort c goes ex on the first trading day from the (10 + 4c)th


@dataclass(frozen=True)
class DividendEvents:
    day: np.ndarray  # (E,) int, index of the ex-dividend trading day
    security: np.ndarray  # (E,) int, universe index of the payer
    cents: np.ndarray  # (E,) int64, dividend per share in cents


@dataclass(frozen=True)
class SplitEvent:
    day: int  # index of the first trading day at the post-split price
    security: int
    ratio: int


@dataclass(frozen=True)
class PricePanel:
    dates: pd.DatetimeIndex  # (T,) business days
    day_ordinals: np.ndarray  # (T,) int64 proleptic ordinals of ``dates``
    close_cents: np.ndarray  # (T, N) int64 traded close in cents
    adj_close: np.ndarray  # (T, N) float, dividend- and split-adjusted close in dollars
    dividends: DividendEvents
    split: SplitEvent
    _dividends_by_day: dict[int, slice] = field(default_factory=dict, repr=False)

    @property
    def last_day(self) -> int:
        return len(self.dates) - 1

    @property
    def corporate_action_days(self) -> np.ndarray:
        """Sorted trading-day indices with a dividend or the split."""
        return np.unique(np.append(self.dividends.day, self.split.day))

    def dividends_on(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(payers, cents per share) of the dividends going ex on trading day ``day``."""
        span = self._dividends_by_day.get(day)
        if span is None:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return self.dividends.security[span], self.dividends.cents[span]


def build_price_panel(
    universe: Universe,
    dates: pd.DatetimeIndex,
    simulated: SimulatedReturns,
    split_candidates: np.ndarray,
    split_date: dt.date,
) -> PricePanel:
    """Closes (cents) and adjusted closes for every security, with dividends and the split.

    The split goes to the highest-priced of ``split_candidates`` (non-payers) on the trading
    day on or after ``split_date`` (high prices are why companies split).
    """
    if len(split_candidates) == 0:
        raise ValueError("no split candidate")
    if np.any(universe.dividend_yield[split_candidates] > 0):
        raise ValueError("split candidates must not pay dividends")
    day_ordinals = ordinals(dates)
    total_return = simulated.start_prices * np.exp(np.cumsum(simulated.log_returns, axis=0))
    price, dividends = _pay_dividends(universe, dates, day_ordinals, total_return)

    split_day = first_day_on_or_after(day_ordinals, split_date)
    if not 0 < split_day < len(dates):
        raise ValueError(f"split date {split_date} outside the price history")
    split_security = int(split_candidates[np.argmax(price[split_day - 1, split_candidates])])
    price[split_day:, split_security] /= SPLIT_RATIO
    split = SplitEvent(day=split_day, security=split_security, ratio=SPLIT_RATIO)

    close_cents = np.maximum(np.rint(price * 100.0), 1).astype(np.int64)
    adj_close = _back_adjust(close_cents, dividends, split)
    by_day: dict[int, slice] = {}
    for day in np.unique(dividends.day):
        positions = np.flatnonzero(dividends.day == day)
        by_day[int(day)] = slice(int(positions[0]), int(positions[-1]) + 1)
    return PricePanel(
        dates=dates,
        day_ordinals=day_ordinals,
        close_cents=close_cents,
        adj_close=adj_close,
        dividends=dividends,
        split=split,
        _dividends_by_day=by_day,
    )


def ex_dividend_days(day_ordinals: np.ndarray, cohort: int) -> np.ndarray:
    """Trading-day indices of a cohort's quarterly ex-dates (never the first day)."""
    first = dt.date.fromordinal(int(day_ordinals[0]))
    last = dt.date.fromordinal(int(day_ordinals[-1]))
    days: list[int] = []
    for year in range(first.year, last.year + 1):
        for month in range(1 + cohort, 13, DIVIDEND_COHORTS):
            target = dt.date(year, month, EX_DIVIDEND_DAY_OF_MONTH + 4 * cohort)
            index = first_day_on_or_after(day_ordinals, target)
            if 0 < index < len(day_ordinals):
                days.append(index)
    return np.array(days, dtype=np.int64)


def _pay_dividends(
    universe: Universe,
    dates: pd.DatetimeIndex,
    day_ordinals: np.ndarray,
    total_return: np.ndarray,
) -> tuple[np.ndarray, DividendEvents]:
    """Price paths net of dividends, and the dividends themselves.

    A payer's quarterly dividend is set once a year (cents per share, a quarter of its yield
    at the year's first ex-date) and kept for the year, as companies do. On an ex-date the
    price drops by the dividend: P[e] = TR[e] * A[e-1] - D, i.e. the price-to-total-return
    ratio A steps down by the factor 1 - D / (TR[e] * A[e-1]).
    """
    n_days, n_securities = total_return.shape
    steps = np.ones((n_days, n_securities))
    ratio = np.ones(n_securities)
    per_share = np.zeros(n_securities, dtype=np.int64)
    year_set = np.full(n_securities, -1)
    schedule = sorted(
        (int(day), cohort)
        for cohort in range(DIVIDEND_COHORTS)
        for day in ex_dividend_days(day_ordinals, cohort)
    )
    event_days: list[np.ndarray] = []
    event_securities: list[np.ndarray] = []
    event_cents: list[np.ndarray] = []
    for day, cohort in schedule:
        payers = np.flatnonzero(universe.dividend_cohort == cohort)
        if len(payers) == 0:
            continue
        year = dates[day].year
        renew = payers[year_set[payers] != year]
        previous_close = total_return[day - 1, renew] * ratio[renew]
        quarterly = universe.dividend_yield[renew] / 4.0 * previous_close * 100.0
        per_share[renew] = np.maximum(np.rint(quarterly), 1).astype(np.int64)
        year_set[renew] = year
        step = 1.0 - per_share[payers] / 100.0 / (total_return[day, payers] * ratio[payers])
        ratio[payers] *= step
        steps[day, payers] = step
        event_days.append(np.full(len(payers), day, dtype=np.int64))
        event_securities.append(payers)
        event_cents.append(per_share[payers].copy())
    price = total_return * np.cumprod(steps, axis=0)
    events = DividendEvents(
        day=_concat(event_days), security=_concat(event_securities), cents=_concat(event_cents)
    )
    return price, events


def _back_adjust(
    close_cents: np.ndarray, dividends: DividendEvents, split: SplitEvent
) -> np.ndarray:
    """Adjusted close: close times the product of the adjustment factors of later events."""
    multipliers = np.ones(close_cents.shape)
    previous_close = close_cents[dividends.day - 1, dividends.security]
    multipliers[dividends.day, dividends.security] = 1.0 - dividends.cents / previous_close
    multipliers[split.day, split.security] = 1.0 / split.ratio
    later = np.ones(close_cents.shape)
    later[:-1] = np.cumprod(multipliers[::-1], axis=0)[::-1][1:]
    return close_cents / 100.0 * later


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
