"""The trading calendar of the synthetic market: Monday-Friday business days, no holidays.

Dates are handled as proleptic ordinals (``date.toordinal()``) wherever day arithmetic is
needed, because the wash-sale window counts calendar days (IRC §1091(a): "30 days before or
after"), not trading days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

DEFAULT_AS_OF = dt.date(2026, 11, 20)
HISTORY_YEARS = 5
TRADING_DAYS_PER_YEAR = 252


def price_dates(as_of: dt.date, years: int = HISTORY_YEARS) -> pd.DatetimeIndex:
    """Business days of the ``years`` years ending on ``as_of`` (or the business day before)."""
    start = pd.Timestamp(as_of) - pd.DateOffset(years=years) + pd.Timedelta(days=1)
    return pd.bdate_range(start=start, end=pd.Timestamp(as_of))


def ordinals(dates: pd.DatetimeIndex) -> np.ndarray:
    """Proleptic ordinals of ``dates`` (int64), for calendar-day arithmetic."""
    return np.array([d.toordinal() for d in dates.date], dtype=np.int64)


def first_day_on_or_after(day_ordinals: np.ndarray, target: dt.date) -> int:
    """Index of the first trading day on or after ``target`` (len(day_ordinals) if none)."""
    return int(np.searchsorted(day_ordinals, target.toordinal(), side="left"))


def monthly_days(day_ordinals: np.ndarray, first: dt.date) -> np.ndarray:
    """Indices of the first trading day of each month, from ``first`` on (when ``first`` is
    past its month's first trading day, that month is skipped). Months beyond the last
    price date are dropped."""
    found: list[int] = []
    year, month = first.year, first.month
    earliest = first_day_on_or_after(day_ordinals, first)
    last = int(day_ordinals[-1])
    while dt.date(year, month, 1).toordinal() <= last:
        index = first_day_on_or_after(day_ordinals, dt.date(year, month, 1))
        if earliest <= index < len(day_ordinals):
            found.append(index)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return np.array(found, dtype=np.int64)


def months_before(as_of: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months before ``as_of`` (day clipped to the month's end)."""
    return (pd.Timestamp(as_of) - pd.DateOffset(months=months)).date()


def yearly_days(day_ordinals: np.ndarray, month: int, after: int) -> list[int]:
    """The first trading day of ``month`` in each year, for days strictly after ``after``."""
    first = dt.date.fromordinal(int(day_ordinals[0]))
    return [
        day
        for day in monthly_days(day_ordinals, first).tolist()
        if day > after and dt.date.fromordinal(int(day_ordinals[day])).month == month
    ]


def next_weekday(day: dt.date) -> dt.date:
    """``day`` itself on Monday-Friday, else the following Monday."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def previous_weekday(day: dt.date) -> dt.date:
    """``day`` itself on Monday-Friday, else the Friday before."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day
