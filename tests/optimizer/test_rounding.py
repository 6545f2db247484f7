"""Whole shares: rounding, the repairs, and standing still when nothing else keeps the rules."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.optimizer.instances import LotSpec, make_input, with_tax, with_trading
from tools.optimizer.checks import run_checks
from tools.optimizer.evaluate import TradePlan, evaluate
from tools.optimizer.inputs import OptimizationInput, TransitionStep
from tools.optimizer.modes import tracking_sides, trade_bounds
from tools.optimizer.optimize import optimize
from tools.optimizer.rounding import (
    drop_small_orders,
    fit_transition,
    fix_cash,
    follow_share_order,
    round_to_shares,
    trim_gains,
)


def account() -> OptimizationInput:
    lots = [
        LotSpec(0, 100.0, 80.0),
        LotSpec(0, 0.4, 90.0),
        LotSpec(1, 10.6, 30.0),
        LotSpec(2, 50.0, 40.0),
    ]
    inp = make_input(prices=[100.0, 50.0, 40.0], benchmark=[0.3, 0.3, 0.4], lots=lots, cash=500.0)
    return with_trading(inp, min_trade_usd=100.0)


def test_lot_sales_round_to_whole_shares_or_close_the_lot() -> None:
    inp = account()
    plan = round_to_shares(inp, np.array([0.426, 0.3, 0.98, 0.0]), np.array([0.0, 0.0, 0.0]))
    # 42.6 -> 43; 0.12 of a 0.4 lot -> nothing; 10.39 of 10.6 -> the whole lot.
    assert plan.lot_sold.tolist() == [43.0, 0.0, 10.6, 0.0]
    buys = round_to_shares(inp, np.zeros(4), np.array([0.0, 0.01234, 0.0]))
    value = inp.account_value
    assert buys.bought[1] == round(0.01234 * value / 50.0)


def test_parts_of_one_lot_are_relieved_in_the_ledgers_share_order() -> None:
    lots = [LotSpec(0, 3.5, 120.0), LotSpec(0, 10.0, 80.0), LotSpec(1, 20.0, 40.0)]
    inp = make_input(prices=[100.0, 50.0], benchmark=[0.5, 0.5], lots=lots, cash=100.0)
    inp = dataclasses.replace(inp, lot_ids=("A", "A", "B"))
    plan = follow_share_order(inp, TradePlan(np.array([0.0, 6.0, 5.0]), np.zeros(2)))
    # 6 shares of lot A: the 3.5 of its first part, then 2 whole shares of the second.
    assert plan.lot_sold.tolist() == [3.5, 2.0, 5.0]


def test_orders_below_the_minimum_are_dropped() -> None:
    inp = account()
    plan = drop_small_orders(
        inp, TradePlan(np.array([1.0, 0.0, 0.0, 10.0]), np.array([0.0, 1.0, 3.0]))
    )
    # sells: S0 $100 kept, S2 $400 kept; buys: S1 $50 dropped, S2 $120 kept.
    assert plan.lot_sold.tolist() == [1.0, 0.0, 0.0, 10.0]
    assert plan.bought.tolist() == [0.0, 0.0, 3.0]


def test_gains_beyond_the_budget_are_trimmed_from_the_highest_gain_lots() -> None:
    inp = with_tax(account(), gains_room_usd=1_000.0)
    plan = trim_gains(inp, TradePlan(np.array([100.0, 0.0, 10.0, 0.0]), np.zeros(3)))
    figures = evaluate(inp, plan)
    assert figures.realized_net <= 1_000.0
    # L2 gains 20/share and L0 20/share: at least 50 shares of gain had to go.
    assert plan.lot_sold.sum() <= 110.6 - 50


def test_a_transition_sale_is_kept_within_its_schedule() -> None:
    inp = dataclasses.replace(account(), transition=TransitionStep(0, 60.0, 80.0, 0.5))
    raised = fit_transition(inp, TradePlan(np.array([10.0, 0.0, 0.0, 0.0]), np.zeros(3)))
    assert raised.sold(inp)[0] >= 60
    lowered = fit_transition(inp, TradePlan(np.array([100.0, 0.4, 0.0, 0.0]), np.zeros(3)))
    assert lowered.sold(inp)[0] <= 80 and float(lowered.lot_sold[0]).is_integer()


def test_cash_is_brought_into_its_band_through_the_buys() -> None:
    inp = with_trading(account(), cash_min_fraction=0.0, cash_max_fraction=0.02)
    bounds = trade_bounds(inp, tracking_sides(inp))
    too_much_cash = TradePlan(np.array([100.0, 0.0, 0.0, 0.0]), np.zeros(3))
    fixed = fix_cash(inp, too_much_cash, bounds)
    assert evaluate(inp, fixed).cash_fraction <= 0.02
    assert not fixed.bought[~bounds.buy_allowed].any()
    overspent = TradePlan(np.zeros(4), np.array([0.0, 60.0, 0.0]))
    assert evaluate(inp, fix_cash(inp, overspent, bounds)).cash_after >= 0


def test_standing_still_when_no_whole_share_list_keeps_the_cash_band() -> None:
    """Cash must stay within a $10 band: selling $1,000 shares of S0 and buying $1,013 and
    $1,019 shares of S1 and S2 never nets to within $10 (up to 20 and 60 shares), so no
    harvest can be redeployed into the band, while today's portfolio is inside it."""
    lots = [LotSpec(0, 20, 1_300.0), LotSpec(1, 20, 900.0), LotSpec(2, 20, 900.0)]
    inp = make_input(
        prices=[1_000.0, 1_013.0, 1_019.0],
        benchmark=[0.30, 0.35, 0.35],
        lots=lots,
        cash=1_005.0,
    )
    value = inp.account_value
    inp = with_trading(
        inp, te_budget=0.05, cash_min_fraction=1_000.0 / value, cash_max_fraction=1_010.0 / value
    )
    assert all(o.passed for o in run_checks(inp, TradePlan.empty(inp)))
    result = optimize(inp)
    assert result.status == "no_action"
    assert any("proposing no trade" in note for note in result.notes)
    assert all(check.passed for check in result.checks)
    assert result.candidates and not any(c.harvested for c in result.candidates)


def test_a_harvest_sells_whole_shares_and_buys_whole_shares() -> None:
    inp = with_trading(account(), min_trade_usd=0.0)
    inp = dataclasses.replace(inp, lot_basis=inp.lot_basis * np.array([1.5, 1.5, 1.0, 1.0]))
    result = optimize(inp)
    assert result.sells
    for trade in result.trades:
        assert float(trade.quantity).is_integer() or any(
            lot.quantity == pytest.approx(0.4) for lot in trade.lots
        )


def test_a_lot_held_as_two_parts_is_one_relief_in_the_trade() -> None:
    lots = [LotSpec(0, 3.5, 150.0), LotSpec(0, 100.0, 140.0), LotSpec(1, 200.0, 40.0)]
    inp = make_input(prices=[100.0, 50.0], benchmark=[0.5, 0.5], lots=lots, cash=100.0)
    inp = dataclasses.replace(inp, lot_ids=("A", "A", "B"))
    result = optimize(with_trading(inp, min_trade_usd=0.0))
    (sale,) = [t for t in result.sells if t.symbol == "S0"]
    assert [relief.lot_id for relief in sale.lots] == ["A"]
    assert sale.lots[0].quantity == pytest.approx(sale.quantity)
