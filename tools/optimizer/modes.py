"""Per-group trading sides that keep today's trades free of new wash sales.

Selling a lot at a loss and buying a substantially identical security on the same day is a
wash sale (IRC §1091(a)). That "either-or" is not convex, so before each solve every
identical group gets one side:

- sell side: any of its lots may be sold (losses included), nothing in it may be bought;
- buy side: it may be bought, none of its lots may be sold.

Selling and buying one group on the same day has no economic use (a round trip that either
washes a loss or realizes a gain for nothing), so nothing of value is lost. A group goes to
the sell side when it holds a harvest candidate, cannot be bought anyway, or is above its
target weight (the benchmark without excluded names, net of cash); the others go to the buy
side. The rule-imposed bounds (restrictions, the ledger's wash-sale answers) come on top,
each with its cause, so binding bounds can be named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.screening import HarvestScreen

# Why a security may not be bought or sold today ("" when it may).
BuyCause = Literal["excluded", "no_buy", "wash_sale", "selling_side", ""]
SellCause = Literal["no_sell", "buying_side", ""]
Cause = TypeVar("Cause", bound=str)


@dataclass(frozen=True)
class TradeBounds:
    sell_allowed: np.ndarray  # (N,) bool: lots of the security may be sold
    buy_allowed: np.ndarray  # (N,) bool: the security may be bought
    buy_block_cause: tuple[BuyCause, ...]  # (N,) the first rule that blocks buying
    sell_block_cause: tuple[SellCause, ...]  # (N,) the first rule that blocks selling
    sell_side: frozenset[str]  # wash keys on the sell side


def group_weights(inp: OptimizationInput, weights: np.ndarray) -> dict[str, float]:
    """Sum of ``weights`` (N,) per wash key."""
    totals: dict[str, float] = {}
    for key, weight in zip(inp.wash_keys, weights, strict=True):
        totals[key] = totals.get(key, 0.0) + float(weight)
    return totals


def unbuyable_groups(inp: OptimizationInput) -> set[str]:
    """Groups where no member may be bought anyway."""
    buyable = {
        key for key, blocked in zip(inp.wash_keys, inp.buy_forbidden, strict=True) if not blocked
    }
    return set(inp.wash_keys) - buyable


def target_weights(inp: OptimizationInput) -> np.ndarray:
    """(N,) weights the account can aim at: the benchmark without its excluded names, scaled
    to the invested fraction the cash band allows (excluded weight is spread pro rata)."""
    allowed = np.where(inp.excluded, 0.0, inp.benchmark_weights)
    if allowed.sum() <= 0:
        return allowed
    cash = float(
        np.clip(
            inp.cash / inp.account_value,
            inp.trading.cash_min_fraction,
            inp.trading.cash_max_fraction,
        )
    )
    return allowed / allowed.sum() * (1.0 - cash)


def tracking_sides(inp: OptimizationInput) -> frozenset[str]:
    """Sell what is above its target weight (or cannot be bought), buy what is below it."""
    held = group_weights(inp, inp.weights)
    target = group_weights(inp, target_weights(inp))
    overweight = {key for key in held if held[key] > target[key]}
    return frozenset(overweight | unbuyable_groups(inp))


def harvest_sides(inp: OptimizationInput, screen: HarvestScreen) -> frozenset[str]:
    """First choice: also sell wherever a harvest candidate is, even if underweight."""
    candidates = {inp.wash_keys[inp.lot_security[c.lot]] for c in screen.candidates}
    return frozenset(candidates) | tracking_sides(inp)


def trade_bounds(inp: OptimizationInput, sell_side: frozenset[str]) -> TradeBounds:
    """Which securities may be sold and bought under the rules and the chosen sides."""
    selling = np.array([key in sell_side for key in inp.wash_keys], dtype=bool)
    buy_causes = tuple(
        _first_cause(
            (inp.excluded[i], "excluded"),
            (inp.no_buy[i], "no_buy"),
            (inp.wash_blocked[i], "wash_sale"),
            (selling[i], "selling_side"),
        )
        for i in range(inp.n_securities)
    )
    sell_causes = tuple(
        _first_cause((inp.no_sell[i], "no_sell"), (not selling[i], "buying_side"))
        for i in range(inp.n_securities)
    )
    return TradeBounds(
        sell_allowed=np.array([not cause for cause in sell_causes], dtype=bool),
        buy_allowed=np.array([not cause for cause in buy_causes], dtype=bool),
        buy_block_cause=buy_causes,
        sell_block_cause=sell_causes,
        sell_side=sell_side,
    )


def lot_sellable(inp: OptimizationInput) -> np.ndarray:
    """(L,) bool: the ledger does not forbid selling the lot today.

    A loss lot whose sale would be washed (IRC §1091(a): a purchase within 30 days before or
    after) is not sold unless the policy allows charging the disallowed loss.
    """
    if inp.tax.allow_charged_wash:
        return np.ones(inp.n_lots, dtype=bool)
    return inp.lot_wash_disallowed <= 0


def _first_cause(*checks: tuple[bool | np.bool_, Cause]) -> Cause | Literal[""]:
    return next((cause for applies, cause in checks if applies), "")
