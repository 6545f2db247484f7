"""Concentrated-position schedule: sums to the position, keeps each year's budget, and today's
step goes through the optimizer."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from tests.optimizer.instances import LONG_RATE, LotSpec, make_input
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import optimize
from tools.optimizer.transition import (
    TransitionTerms,
    plan_transition,
    step_input,
    today_step,
)

PRICE = 100.0


def concentrated() -> OptimizationInput:
    """S0 is 60% of a $500,000 account: a loss lot and three low-basis lots (one short-term,
    acquired nine months before the as-of date); the rest is spread over four names."""
    lots = [
        LotSpec(0, 200, 130.0),
        LotSpec(0, 1_000, 10.0),
        LotSpec(0, 1_000, 40.0),
        LotSpec(0, 800, 70.0, long_term=False),
    ]
    lots += [LotSpec(i, 500, 45.0) for i in range(1, 5)]
    inp = make_input(
        prices=[PRICE, 50.0, 50.0, 50.0, 50.0],
        lots=lots,
        cash=0.0,
        benchmark=[0.04, 0.24, 0.24, 0.24, 0.24],
    )
    acquired = tuple(
        [dt.date(2020, 1, 2), dt.date(2015, 3, 1), dt.date(2018, 5, 1), dt.date(2023, 10, 2)]
        + [dt.date(2021, 1, 4)] * 4
    )
    return dataclasses.replace(inp, lot_acquired=acquired)


def terms(**changes: object) -> TransitionTerms:
    base = TransitionTerms(
        security=0, gains_budget_usd=40_000.0, realized_this_year_usd=10_000.0, target_weight=0.04
    )
    return dataclasses.replace(base, **changes)


def test_schedule_sells_down_to_the_target_within_each_years_budget() -> None:
    inp = concentrated()
    plan = plan_transition(inp, terms())
    assert plan.shares_before == 3_000
    assert plan.shares_sold + plan.target_shares == pytest.approx(plan.shares_before)
    assert plan.years[-1].shares_after == pytest.approx(plan.target_shares)
    assert plan.years[-1].weight_after <= 0.04 + 1e-12
    assert plan.years_to_target == len(plan.years)
    assert plan.years[0].gains_room == pytest.approx(30_000.0)  # 40,000 less 10,000 realized
    for year in plan.years:
        assert year.realized_short + year.realized_long <= year.gains_room + 1e-6
        assert sum(lot.quantity for lot in year.lots) == pytest.approx(year.shares_sold)
        assert all(float(lot.quantity).is_integer() for lot in year.lots)
    assert [y.year for y in plan.years] == list(range(2024, 2024 + len(plan.years)))
    assert all(
        later.te_after < earlier.te_after
        for earlier, later in zip(plan.years, plan.years[1:], strict=False)
    )
    assert plan.total_tax == pytest.approx(sum(y.tax for y in plan.years))


def test_losses_go_first_and_the_cheapest_gains_next() -> None:
    plan = plan_transition(concentrated(), terms())
    first = plan.years[0].lots
    assert first[0].lot_id == "L0" and first[0].quantity == 200  # the loss lot adds room
    # Tax per share: L3 30 x 45.8% = 13.74, L2 60 x 28.8% = 17.28, L1 90 x 28.8% = 25.92.
    assert [lot.lot_id for lot in first[1:]] == ["L3", "L2"][: len(first) - 1]


def test_a_short_term_lot_becomes_long_term_in_a_later_year() -> None:
    """L3 is short-term today and long-term on 1 January 2025 (held more than a year)."""
    plan = plan_transition(
        concentrated(), terms(gains_budget_usd=10_000.0, realized_this_year_usd=0.0)
    )
    today, next_year = plan.years[0], plan.years[1]
    assert today.realized_short > 0  # part of L3, short-term today
    assert "L3" in {lot.lot_id for lot in next_year.lots}
    assert next_year.realized_short == 0.0 and next_year.realized_long > 0


def test_harvested_losses_raise_this_years_room() -> None:
    with_losses = plan_transition(concentrated(), terms(realized_this_year_usd=-20_000.0))
    without = plan_transition(concentrated(), terms(realized_this_year_usd=0.0))
    assert with_losses.years[0].gains_room == pytest.approx(60_000.0)
    assert with_losses.years[0].shares_sold > without.years[0].shares_sold


def test_no_room_for_gains_means_the_target_is_not_reached() -> None:
    """With no budget, only the loss lot's own room is used, once."""
    plan = plan_transition(concentrated(), terms(gains_budget_usd=0.0, realized_this_year_usd=0.0))
    assert plan.years_to_target is None
    (year,) = plan.years
    assert [lot.lot_id for lot in year.lots] == ["L0", "L3"]
    assert year.realized_short + year.realized_long <= 1e-6
    assert plan.notes and "no progress" in plan.notes[0]


def test_todays_step_is_a_checked_trade_list_that_sells_at_least_the_schedule() -> None:
    inp = concentrated()
    schedule_terms = terms()
    plan = plan_transition(inp, schedule_terms)
    step = today_step(inp, schedule_terms, plan)
    assert step.min_shares == plan.years[0].shares_sold
    assert step.max_shares == pytest.approx(plan.shares_before - plan.target_shares)
    assert step.reward_per_dollar > LONG_RATE * 0.9  # beats the worst tax per dollar
    result = optimize(step_input(inp, schedule_terms, plan))
    (sale,) = [t for t in result.trades if t.symbol == "S0"]
    assert sale.reason == "transition" and sale.side == "sell"
    assert step.min_shares <= sale.quantity <= step.max_shares
    realized = result.metrics.realized_short + result.metrics.realized_long
    assert realized <= 30_000.0 + 0.01
    assert result.metrics.te_after < result.metrics.te_before
    assert all(check.passed for check in result.checks)
    assert {t.reason for t in result.trades if t.side == "buy"} <= {
        "rebalance",
        "cash",
        "replacement",
    }
    assert np.isclose(sum(t.value for t in result.trades if t.side == "buy"), sale.value, rtol=0.05)
