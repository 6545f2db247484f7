"""Holding periods: short or long term, and the day arithmetic of the replay.

The replay keeps dates as proleptic ordinals (``date.toordinal()``): window checks and
holding-period tacking are then integer arithmetic on the hot path.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

Term = Literal["short", "long"]

# A year holds at most 366 days, so shorter spans are always short-term and longer spans
# always long-term; only spans of exactly 366 days need the calendar.
_DAYS_IN_COMMON_YEAR = 365
_DAYS_IN_LEAP_YEAR = 366


_DATES: dict[int, dt.date] = {}  # ordinal -> date: a few thousand distinct days at most


def date_of(day: int) -> dt.date:
    """The date of an ordinal, one shared object per day (results hold millions of dates)."""
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = dt.date.fromordinal(day)
    return date


def anniversary(acquired: dt.date) -> dt.date:
    """The same calendar day one year later (28 February for shares acquired on 29 February).

    IRS Pub. 550, "Holding period": the holding period starts the day after acquisition, and
    shares are held "more than one year" only when sold after this anniversary.
    """
    try:
        return acquired.replace(year=acquired.year + 1)
    except ValueError:
        return dt.date(acquired.year + 1, 2, 28)


def term_of(acquired_day: int, sell_day: int) -> Term:
    """``long`` when held more than one year (sold after the anniversary), else ``short``.

    Pub. 550 "Holding period": shares sold on the anniversary of ``acquired_day`` are still
    short-term; ``acquired_day`` is the holding-period start after any tacking (IRC §1223(3)).
    """
    held = sell_day - acquired_day
    if held <= _DAYS_IN_COMMON_YEAR:
        return "short"
    if held > _DAYS_IN_LEAP_YEAR:
        return "long"
    limit = anniversary(date_of(acquired_day)).toordinal()
    return "long" if sell_day > limit else "short"


def tacked_start(replacement_acquired_day: int, sold_acquired_day: int, sell_day: int) -> int:
    """Holding-period start of replacement shares after a wash sale.

    IRC §1223(3) and Treas. Reg. §1.1091-1(h) Example 3: the replacement's holding period
    includes the period the sold shares were held, so its start moves back by that period.
    """
    return replacement_acquired_day - (sell_day - sold_acquired_day)
