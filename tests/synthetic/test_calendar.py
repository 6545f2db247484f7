"""The business-day calendar helpers of the generator."""

from __future__ import annotations

import datetime as dt

from tools.synthetic.calendar import (
    monthly_days,
    months_before,
    next_weekday,
    ordinals,
    previous_weekday,
    price_dates,
    yearly_days,
)


def test_price_dates_cover_five_years_of_weekdays_ending_at_as_of() -> None:
    dates = price_dates(dt.date(2026, 11, 20))
    assert dates[0].date() == dt.date(2021, 11, 22)  # 2021-11-21 is a Sunday
    assert dates[-1].date() == dt.date(2026, 11, 20)
    assert set(dates.day_of_week) <= {0, 1, 2, 3, 4}
    saturday = price_dates(dt.date(2026, 11, 21))
    assert saturday[-1].date() == dt.date(2026, 11, 20)


def test_monthly_days_are_first_trading_days_from_a_start() -> None:
    day_ordinals = ordinals(price_dates(dt.date(2024, 6, 28)))
    days = monthly_days(day_ordinals, dt.date(2024, 3, 2))
    as_dates = [dt.date.fromordinal(int(day_ordinals[d])) for d in days]
    # March 1st 2024 is before the start; June 1st is a Saturday.
    assert as_dates == [dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 3)]


def test_yearly_days_pick_one_month_after_a_day() -> None:
    day_ordinals = ordinals(price_dates(dt.date(2024, 6, 28)))
    januaries = yearly_days(day_ordinals, month=1, after=0)
    assert [dt.date.fromordinal(int(day_ordinals[d])) for d in januaries] == [
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 1),
        dt.date(2022, 1, 3),
        dt.date(2023, 1, 2),
        dt.date(2024, 1, 1),
    ]
    assert yearly_days(day_ordinals, month=1, after=januaries[-1]) == []


def test_weekday_rolling_and_month_arithmetic() -> None:
    assert next_weekday(dt.date(2026, 11, 21)) == dt.date(2026, 11, 23)
    assert previous_weekday(dt.date(2026, 11, 22)) == dt.date(2026, 11, 20)
    assert next_weekday(dt.date(2026, 11, 20)) == dt.date(2026, 11, 20)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
