"""The independent checks: each one catches its own violation, and passes otherwise."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.optimizer.instances import LotSpec, make_input, with_tax, with_trading
from tools.optimizer.checks import failed, run_checks
from tools.optimizer.evaluate import TradePlan, evaluate
from tools.optimizer.inputs import OptimizationInput, Tilt, TransitionStep


def account() -> OptimizationInput:
    """S0 (loss lot L0, gain lot L1), S1 (loss lot L2 washed by a recent buy; fractional gain
    lot L3), S2 (gain lot L4); S3 shares S1's identical group; $1,500 cash (5% of value)."""
    lots = [
        LotSpec(0, 100, 120.0),
        LotSpec(0, 50, 60.0, long_term=False),
        LotSpec(1, 100, 60.0, disallowed=500.0),
        LotSpec(1, 10.5, 30.0),
        LotSpec(2, 200, 30.0),
    ]
    inp = make_input(
        prices=[100.0, 50.0, 40.0, 50.0],
        benchmark=[0.3, 0.3, 0.2, 0.2],
        lots=lots,
        cash=1_500.0,
        wash_keys=["symbol:S0", "group:G", "symbol:S2", "group:G"],
    )
    return with_trading(inp, te_budget=0.5, cash_max_fraction=0.05, min_trade_usd=100.0)


def plan(
    inp: OptimizationInput,
    sold: dict[int, float] | None = None,
    bought: dict[int, float] | None = None,
) -> TradePlan:
    lot_sold, shares = np.zeros(inp.n_lots), np.zeros(inp.n_securities)
    for lot, quantity in (sold or {}).items():
        lot_sold[lot] = quantity
    for security, quantity in (bought or {}).items():
        shares[security] = quantity
    return TradePlan(lot_sold, shares)


def failures(inp: OptimizationInput, trade_plan: TradePlan) -> set[str]:
    return {outcome.name for outcome in failed(run_checks(inp, trade_plan))}


def test_no_trade_passes_every_check() -> None:
    inp = account()
    outcomes = run_checks(inp, TradePlan.empty(inp))
    assert all(o.passed for o in outcomes), [o.detail for o in outcomes if not o.passed]
    assert len(outcomes) == 12


def test_harvest_with_a_replacement_outside_the_group_passes() -> None:
    inp = account()
    assert failures(inp, plan(inp, sold={0: 100}, bought={2: 250})) == set()


@pytest.mark.parametrize(
    ("sold", "bought", "check"),
    [
        ({0: 101}, {}, "lots_available"),
        ({0: 2.5}, {}, "whole_shares"),
        ({}, {2: 3.5}, "whole_shares"),
        ({}, {3: 5}, "wash_sale_buys"),
        ({2: 100}, {}, "washed_loss_sales"),
        ({0: 100}, {3: 10}, "wash_sale_buys"),
        ({}, {2: 1}, "min_trade"),
        ({}, {2: 100}, "cash_band"),
        ({4: 200}, {}, "cash_band"),
    ],
)
def test_each_violation_is_caught_by_its_check(
    sold: dict[int, float], bought: dict[int, float], check: str
) -> None:
    inp = dataclasses.replace(account(), wash_blocked=np.array([False, False, False, True]))
    assert check in failures(inp, plan(inp, sold=sold, bought=bought))


def test_closing_a_fractional_lot_is_a_whole_share_order() -> None:
    inp = account()
    assert "whole_shares" not in failures(inp, plan(inp, sold={3: 10.5}))


def test_restrictions_catch_excluded_and_no_buy_buys_and_no_sell_sales() -> None:
    inp = dataclasses.replace(
        account(),
        excluded=np.array([False, False, True, False]),
        no_buy=np.array([True, False, False, False]),
        no_sell=np.array([False, True, False, False]),
    )
    outcome = next(
        o
        for o in run_checks(inp, plan(inp, sold={3: 10}, bought={0: 2, 2: 3}))
        if o.name == "restrictions"
    )
    assert not outcome.passed
    assert "excluded: S2" in outcome.detail and "no_buy: S0" in outcome.detail
    assert "no_sell: S1" in outcome.detail


def test_a_charged_wash_sale_passes_and_reports_the_disallowed_loss() -> None:
    inp = with_tax(account(), allow_charged_wash=True)
    trade_plan = plan(inp, sold={2: 100}, bought={2: 120})
    outcome = next(o for o in run_checks(inp, trade_plan) if o.name == "washed_loss_sales")
    assert outcome.passed and "500.00" in outcome.detail
    figures = evaluate(inp, trade_plan)
    assert figures.lot_disallowed[2] == pytest.approx(500.0)
    assert figures.realized_long == pytest.approx(-1_000.0 + 500.0)


def test_limits_on_te_gains_and_turnover() -> None:
    inp = with_tax(
        with_trading(account(), te_budget=0.01, max_turnover=0.05), gains_room_usd=1_000.0
    )
    caught = failures(inp, plan(inp, sold={4: 200, 1: 50}, bought={0: 30, 3: 100}))
    assert {"te_budget", "gains_budget", "turnover"} <= caught


def test_hard_tilt_and_transition_step() -> None:
    tilt = Tilt("esg", np.array([80.0, 20.0, 50.0, 60.0]), target=10.0, tolerance=1.0)
    inp = dataclasses.replace(
        account(),
        tilts=(tilt,),
        transition=TransitionStep(2, min_shares=50, max_shares=120, reward_per_dollar=0.3),
    )
    caught = failures(inp, plan(inp, sold={4: 10}))
    assert {"tilts", "transition_step"} <= caught
    assert "transition_step" in failures(inp, plan(inp, sold={4: 150}))
    assert "transition_step" not in failures(inp, plan(inp, sold={4: 100}))
