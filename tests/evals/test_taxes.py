"""Yearly tax with unlimited offsets and with the $3,000 cap and carryforward."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.backtest.taxes import Carryforward, filing_date, year_tax

RATES = {"short_rate": 0.35, "long_rate": 0.15}


def test_filing_date_is_april_15_of_the_next_year() -> None:
    assert filing_date(2025) == dt.date(2026, 4, 15)


def test_unlimited_values_losses_at_their_term_rate() -> None:
    due = year_tax(-10_000.0, 4_000.0, loss_usage="unlimited", **RATES)
    assert due.tax == pytest.approx(-3500.0 + 600.0)
    assert due.carryforward == Carryforward()


def test_cap_deducts_3000_and_carries_the_short_term_rest() -> None:
    due = year_tax(-10_000.0, 0.0, loss_usage="cap_3000", **RATES)
    assert due.tax == pytest.approx(-0.35 * 3000.0)
    assert due.carryforward == Carryforward(short=7000.0)


def test_carryforward_offsets_next_years_gains() -> None:
    due = year_tax(5_000.0, 0.0, loss_usage="cap_3000", carried=Carryforward(short=7000.0), **RATES)
    assert due.tax == pytest.approx(-0.35 * 2000.0)
    assert due.carryforward == Carryforward()


def test_short_loss_offsets_long_gain_first() -> None:
    due = year_tax(-2_000.0, 5_000.0, loss_usage="cap_3000", **RATES)
    assert due.tax == pytest.approx(0.15 * 3000.0)


def test_both_terms_negative_use_short_term_losses_first() -> None:
    due = year_tax(-2_000.0, -5_000.0, loss_usage="cap_3000", **RATES)
    assert due.tax == pytest.approx(-0.35 * 3000.0)
    assert due.carryforward == Carryforward(short=0.0, long=4000.0)


money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(short=money, long=money, carried_short=st.floats(0, 1e5), carried_long=st.floats(0, 1e5))
def test_cap_never_loses_or_invents_a_loss(
    short: float, long: float, carried_short: float, carried_long: float
) -> None:
    carried = Carryforward(carried_short, carried_long)
    due = year_tax(short, long, loss_usage="cap_3000", carried=carried, **RATES)
    net = short + long - carried.total
    assert due.tax >= -0.35 * 3000.0 - 1e-6
    if net < 0:
        deducted = -due.tax / 0.35
        assert deducted + due.carryforward.total == pytest.approx(-net, rel=1e-9, abs=1e-6)
    else:
        assert due.carryforward.total == 0.0
        assert due.tax >= -1e-9
