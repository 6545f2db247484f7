"""Whole shares: round the continuous solution, then repair what rounding broke.

Rounding is local (each lot, each buy to the nearest share) and can push the plan across a
limit; the repairs are greedy and small: drop orders below the minimum size, keep a
transition sale between its schedule and its target, trim the gains that exceed the budget,
and bring cash back into its band through the buys that help tracking most. The result is
not trusted: the caller re-checks it with :mod:`tools.optimizer.checks` and, if a check still
fails, solves again with wider margins.
"""

from __future__ import annotations

import math

import numpy as np

from tools.optimizer.evaluate import TradePlan, evaluate, te_gradient
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds

NOISE = 1e-9


def round_to_shares(
    inp: OptimizationInput, sold_fraction: np.ndarray, buy_weight: np.ndarray
) -> TradePlan:
    """Nearest whole shares. A lot sale goes to the nearest of 0, 1, ..., floor(quantity) and
    the whole quantity, so a lot holding a fraction of a share is only ever sold out."""
    quantity = inp.lot_quantity
    target = np.clip(sold_fraction, 0.0, 1.0) * quantity
    whole = np.minimum(np.floor(target + 0.5), np.floor(quantity))
    lot_sold = np.where(quantity - target < np.abs(whole - target), quantity, whole)
    bought = np.floor(np.clip(buy_weight, 0.0, None) * inp.account_value / inp.prices + 0.5)
    return TradePlan(lot_sold, bought)


def repair(inp: OptimizationInput, plan: TradePlan, bounds: TradeBounds) -> TradePlan:
    plan = follow_share_order(inp, plan)
    plan = drop_small_orders(inp, plan)
    plan = fit_transition(inp, plan)
    plan = trim_gains(inp, plan)
    return fix_cash(inp, plan, bounds)


def follow_share_order(inp: OptimizationInput, plan: TradePlan) -> TradePlan:
    """Relieve a lot held as several parts in the ledger's share order.

    A sale names the lot, not the part, and the ledger relieves its parts in order; the plan
    must say what the ledger will do. A part left partly sold keeps whole shares.
    """
    parts: dict[str, list[int]] = {}
    for index, lot_id in enumerate(inp.lot_ids):
        parts.setdefault(lot_id, []).append(index)
    lot_sold = plan.lot_sold.copy()
    for indices in parts.values():
        if len(indices) < 2:
            continue
        remaining = float(lot_sold[indices].sum())
        for index in indices:
            quantity = float(inp.lot_quantity[index])
            take = quantity if remaining >= quantity - NOISE else math.floor(remaining + NOISE)
            lot_sold[index] = take
            remaining = remaining - take if take == quantity else 0.0
    return TradePlan(lot_sold, plan.bought)


def drop_small_orders(inp: OptimizationInput, plan: TradePlan) -> TradePlan:
    """Orders below the policy's minimum size are not worth their cost: drop them."""
    minimum = inp.trading.min_trade_usd
    sold_value = plan.sold(inp) * inp.prices
    small_sell = (sold_value > 0) & (sold_value < minimum)
    lot_sold = np.where(small_sell[inp.lot_security], 0.0, plan.lot_sold)
    if inp.transition is not None:
        keep = inp.lot_security == inp.transition.security
        lot_sold = np.where(keep, plan.lot_sold, lot_sold)
    bought_value = plan.bought * inp.prices
    bought = np.where(bought_value < minimum, 0.0, plan.bought)
    return TradePlan(lot_sold, bought)


def fit_transition(inp: OptimizationInput, plan: TradePlan) -> TradePlan:
    """Keep a transition sale between its scheduled minimum and the target: add the shares
    with the least tax first, remove those with the most tax first."""
    step = inp.transition
    if step is None:
        return plan
    sold = float(plan.sold(inp)[step.security])
    lot_sold = plan.lot_sold.copy()
    lots = np.flatnonzero(inp.lot_security == step.security)
    tax_per_share = inp.lot_gain[lots] / inp.lot_quantity[lots] * inp.lot_rate[lots]
    cheapest_first = lots[np.argsort(tax_per_share, kind="stable")]
    missing = step.min_shares - sold
    for lot in cheapest_first:
        if missing <= NOISE:
            break
        extra = min(inp.lot_quantity[lot] - lot_sold[lot], math.ceil(missing - NOISE))
        lot_sold[lot] += extra
        missing -= extra
    excess = sold - step.max_shares
    for lot in cheapest_first[::-1]:
        if excess <= NOISE:
            break
        before = lot_sold[lot]
        lot_sold[lot] = math.floor(max(before - math.ceil(excess - NOISE), 0.0) + NOISE)
        excess -= before - lot_sold[lot]
    return TradePlan(lot_sold, plan.bought)


def trim_gains(inp: OptimizationInput, plan: TradePlan) -> TradePlan:
    """Sell fewer shares of the highest-gain lots until the net gain fits the budget."""
    room = max(0.0, inp.tax.gains_room_usd)
    excess = evaluate(inp, plan).realized_net - room
    if excess <= 0:
        return plan
    lot_sold = plan.lot_sold.copy()
    gain_per_share = inp.lot_gain / inp.lot_quantity
    protected = np.zeros(inp.n_lots, dtype=bool)
    if inp.transition is not None:
        protected = inp.lot_security == inp.transition.security
    for lot in np.argsort(-gain_per_share, kind="stable"):
        if excess <= 0 or gain_per_share[lot] <= 0:
            break
        if lot_sold[lot] <= 0 or protected[lot]:
            continue
        cut = min(lot_sold[lot], math.ceil(excess / gain_per_share[lot]))
        remaining = lot_sold[lot] - cut
        lot_sold[lot] = math.floor(remaining) if remaining > 0 else 0.0
        excess -= (plan.lot_sold[lot] - lot_sold[lot]) * gain_per_share[lot]
    return TradePlan(lot_sold, plan.bought)


def fix_cash(inp: OptimizationInput, plan: TradePlan, bounds: TradeBounds) -> TradePlan:
    """Bring cash into its band by adjusting buys, guided by the TE gradient."""
    bought = plan.bought.copy()
    low, high = inp.trading.cash_min_fraction, inp.trading.cash_max_fraction
    cost_per_dollar = 1.0 + inp.trading.half_spread
    for _ in range(2 * inp.n_securities + 2):
        figures = evaluate(inp, TradePlan(plan.lot_sold, bought))
        gradient = te_gradient(inp, figures.weights_after)
        deficit = low * figures.value_after - figures.cash_after
        surplus = figures.cash_after - high * figures.value_after
        if deficit > NOISE:
            if not _spend_less(inp, bought, gradient, deficit * cost_per_dollar):
                break
        elif surplus > NOISE:
            room = figures.cash_after - low * figures.value_after
            if not _spend_more(
                inp,
                bought,
                gradient,
                bounds=bounds,
                surplus=surplus,
                room=room,
                weights=figures.weights_after,
            ):
                break
        else:
            break
    return TradePlan(plan.lot_sold, bought)


def _spend_less(
    inp: OptimizationInput, bought: np.ndarray, gradient: np.ndarray, deficit: float
) -> bool:
    """Cut the buy that helps tracking least; False when there is none."""
    held = np.flatnonzero(bought > 0)
    if held.size == 0:
        return False
    security = held[np.argmax(gradient[held])]
    price = inp.prices[security]
    cut = min(bought[security], math.ceil(deficit / price))
    bought[security] -= cut
    if bought[security] * price < inp.trading.min_trade_usd:
        bought[security] = 0.0
    return True


def _spend_more(
    inp: OptimizationInput,
    bought: np.ndarray,
    gradient: np.ndarray,
    *,
    bounds: TradeBounds,
    surplus: float,
    room: float,
    weights: np.ndarray,
) -> bool:
    """Buy more of the allowed security that helps tracking most (up to its benchmark weight
    while it helps; the band is a rule, so past that, the one that hurts least) and fits the
    cash room; False when nothing fits."""
    cost = 1.0 + inp.trading.half_spread
    prices = inp.prices
    underweight = np.maximum(inp.benchmark_weights - weights, 0.0) * inp.account_value
    for security in np.argsort(gradient, kind="stable"):
        if not bounds.buy_allowed[security]:
            continue
        price = prices[security] * cost
        commission = inp.trading.commission_per_trade if bought[security] == 0 else 0.0
        least = (
            1
            if bought[security] > 0
            else math.ceil(inp.trading.min_trade_usd / prices[security] - NOISE)
        )
        least = max(least, 1)
        helpful = gradient[security] < 0 and underweight[security] >= price
        wanted = max(
            least, math.floor(min(surplus, underweight[security] if helpful else surplus) / price)
        )
        affordable = math.floor((room - commission) / price)
        shares = min(wanted, affordable)
        if shares >= least:
            bought[security] += shares
            return True
    return False
