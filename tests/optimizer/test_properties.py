"""Property tests: on random small accounts, every returned whole-share trade list keeps every
rule, verified here from first principles (dense covariance, plain sums), not by the
optimizer's own checks. When today's portfolio already keeps every rule, the optimizer must
return a trade list (possibly empty), never an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tools.optimizer.errors import OptimizerError
from tools.optimizer.evaluate import tracking_error
from tools.optimizer.inputs import HarvestTerms, OptimizationInput, TaxTerms, TradingTerms
from tools.optimizer.optimize import ProblemCache, optimize
from tools.optimizer.results import TradeList

TOLERANCE = 1e-9
AS_OF = dt.date(2024, 6, 28)


@st.composite
def accounts(draw: st.DrawFn) -> OptimizationInput:
    seed = draw(st.integers(0, 2**31 - 1))
    n = draw(st.integers(3, 8))
    n_lots = draw(st.integers(3, 20))
    value = draw(st.sampled_from([20_000.0, 150_000.0, 2_000_000.0]))
    rng = np.random.default_rng(seed)
    prices = np.exp(rng.normal(np.log(60), 0.8, n))
    benchmark = rng.dirichlet(np.ones(n))
    owners = rng.integers(0, n, n_lots)
    cash_fraction = draw(st.sampled_from([0.0, 0.01, 0.05, 0.2]))
    lot_value = rng.dirichlet(np.ones(n_lots)) * value * (1 - cash_fraction)
    quantity = np.maximum(np.round(lot_value / prices[owners], draw(st.sampled_from([0, 3]))), 1)
    basis = quantity * prices[owners] * np.exp(rng.normal(0.0, 0.3, n_lots))
    loss = basis - quantity * prices[owners]
    washed = (loss > 0) & (rng.random(n_lots) < 0.3)
    k = int(rng.integers(1, 3))
    loadings = rng.normal(0, 1, (n, k))
    factor_cov = np.diag(rng.uniform(0.01, 0.04, k))
    specific_var = rng.uniform(0.02, 0.1, n)
    keys = [f"symbol:S{i}" for i in range(n)]
    if draw(st.booleans()):
        keys[1] = keys[0]  # a substantially identical pair

    def flags(probability: float) -> np.ndarray:
        return rng.random(n) < probability

    held = np.bincount(owners, quantity * prices[owners], minlength=n)
    account_value = held.sum() + value * cash_fraction
    weights = held / account_value
    active = weights - benchmark
    te_now = float(
        np.sqrt(active @ (loadings @ factor_cov @ loadings.T + np.diag(specific_var)) @ active)
    )
    cap = draw(st.sampled_from([None, 0.0, 1_500.0]))
    return OptimizationInput(
        account_id="P",
        as_of=AS_OF,
        symbols=tuple(f"S{i}" for i in range(n)),
        wash_keys=tuple(keys),
        prices=prices,
        benchmark_weights=benchmark,
        cash=value * cash_fraction,
        lot_ids=tuple(f"L{j}" for j in range(n_lots)),
        lot_security=owners.astype(np.intp),
        lot_quantity=quantity,
        lot_basis=basis,
        lot_long_term=rng.random(n_lots) < 0.5,
        lot_wash_disallowed=np.where(washed, 0.5 * loss, 0.0),
        loadings=loadings,
        factor_cov=factor_cov,
        specific_var=specific_var,
        excluded=flags(0.15),
        no_buy=flags(0.15),
        no_sell=flags(0.1),
        wash_blocked=flags(0.15),
        tax=TaxTerms(
            short_rate=0.458,
            long_rate=0.288,
            gains_room_usd=draw(st.sampled_from([0.0, 1_000.0, 1e6])),
            loss_value_cap_usd=cap,
            allow_charged_wash=draw(st.booleans()),
        ),
        trading=TradingTerms(
            te_budget=te_now * draw(st.sampled_from([0.6, 1.0, 1.5, 3.0])) + 1e-4,
            max_turnover=draw(st.sampled_from([0.05, 0.25, 1.0])),
            min_trade_usd=draw(st.sampled_from([0.0, 100.0])),
            cash_min_fraction=0.0,
            cash_max_fraction=draw(st.sampled_from([0.02, 0.3])),
            commission_per_trade=draw(st.sampled_from([0.0, 4.95])),
            spread_bps=5.0,
        ),
        harvest=HarvestTerms(min_loss_usd=50.0, min_loss_pct=0.02),
    )


def after_trades(
    inp: OptimizationInput, result: TradeList
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Shares sold per lot, shares held per security and cash after, from the trade list."""
    index = {}
    for position, lot_id in enumerate(inp.lot_ids):
        index.setdefault(lot_id, []).append(position)
    sold = np.zeros(inp.n_lots)
    held = inp.position_shares.copy()
    cash = inp.cash
    costs = 0.0
    for trade in result.trades:
        security = inp.symbols.index(trade.symbol)
        amount = trade.quantity * inp.prices[security]
        costs += inp.trading.half_spread * amount + inp.trading.commission_per_trade
        if trade.side == "buy":
            held[security] += trade.quantity
            cash -= amount
        else:
            assert sum(r.quantity for r in trade.lots) == pytest.approx(trade.quantity)
            for relief in trade.lots:
                sold[index[relief.lot_id][0]] += relief.quantity
            held[security] -= trade.quantity
            cash += amount
    return sold, held, cash - costs, costs


def rules_hold_today(inp: OptimizationInput) -> bool:
    cash_fraction = inp.cash / inp.account_value
    return (
        tracking_error(inp, inp.weights) <= inp.trading.te_budget
        and inp.trading.cash_min_fraction <= cash_fraction <= inp.trading.cash_max_fraction
    )


@settings(max_examples=60, deadline=None, derandomize=True)
@given(accounts())
def test_every_rule_holds_after_rounding(inp: OptimizationInput) -> None:
    try:
        result = optimize(inp)
    except OptimizerError as error:
        event(f"error: {type(error).__name__}")
        assert not rules_hold_today(inp), "standing still was feasible, yet no trade list came"
        return
    event(f"result: {result.status}")
    sold, held, cash, _ = after_trades(inp, result)
    bought = {t.symbol for t in result.trades if t.side == "buy"}
    buys = np.array([s in bought for s in inp.symbols])
    sold_securities = np.zeros(inp.n_securities, dtype=bool)
    sold_securities[inp.lot_security[sold > 0]] = True
    # Lots: never beyond what is open; whole shares unless a fractional lot is closed.
    assert (sold <= inp.lot_quantity + TOLERANCE).all() and (held >= -TOLERANCE).all()
    closes = np.isclose(sold, inp.lot_quantity)
    assert (np.isclose(sold, np.round(sold)) | closes).all()
    assert all(float(t.quantity).is_integer() for t in result.trades if t.side == "buy")
    # Restrictions and wash sales (IRC §1091(a)).
    assert not (buys & (inp.excluded | inp.no_buy | inp.wash_blocked)).any()
    assert not (sold_securities & inp.no_sell).any()
    loss_sold = (sold > 0) & (inp.lot_gain < 0)
    loss_keys = {inp.wash_keys[s] for s in inp.lot_security[loss_sold]}
    assert not any(inp.wash_keys[i] in loss_keys for i in np.flatnonzero(buys))
    if not inp.tax.allow_charged_wash:
        assert not (loss_sold & (inp.lot_wash_disallowed > 0)).any()
    # TE with the dense covariance, cash band, turnover, gains budget.
    value_after = float(held @ inp.prices) + cash
    active = held * inp.prices / value_after - inp.benchmark_weights
    covariance = inp.loadings @ inp.factor_cov @ inp.loadings.T + np.diag(inp.specific_var)
    assert np.sqrt(active @ covariance @ active) <= inp.trading.te_budget + TOLERANCE
    assert inp.trading.cash_min_fraction - TOLERANCE <= cash / value_after
    assert cash / value_after <= inp.trading.cash_max_fraction + TOLERANCE
    traded = sum(t.quantity * t.est_price for t in result.trades)
    assert traded / 2 / inp.account_value <= inp.trading.max_turnover + TOLERANCE
    assert (
        result.metrics.realized_short + result.metrics.realized_long
        <= max(inp.tax.gains_room_usd, 0.0) + 0.01
    )
    assert all(check.passed for check in result.checks)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(accounts())
def test_a_reused_compiled_problem_gives_the_same_trades(inp: OptimizationInput) -> None:
    cache = ProblemCache()
    try:
        first = optimize(inp, cache=cache)
    except OptimizerError:
        return
    again = optimize(dataclasses.replace(inp), cache=cache)
    assert again.timings.reused_problem and not first.timings.reused_problem
    assert [t.contract_fields() for t in again.trades] == [
        t.contract_fields() for t in first.trades
    ]
