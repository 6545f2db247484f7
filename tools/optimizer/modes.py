"""Per-group trading modes that keep today's trades free of new wash sales.

Selling a lot at a loss and buying a substantially identical security on the same day is a
wash sale (IRC §1091(a)). That "either-or" is not convex, so before each solve every
identical group gets one mode:

- harvest mode: its lots may be sold at a loss, nothing in the group may be bought;
- buy mode: the group may be bought, none of its lots may be sold at a loss.

Gain lots may be sold in either mode (a gain is never washed). The rule-imposed bounds
(restrictions, the ledger's wash-sale answers) come on top, each with its cause so binding
bounds can be reported and relaxed by name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.screening import HarvestScreen

BUY_CAUSES = ("excluded", "no_buy", "wash_sale", "harvesting")
SELL_CAUSES = ("no_sell", "washed_loss", "loss_while_buying")


@dataclass(frozen=True)
class TradeBounds:
    lot_max_fraction: np.ndarray  # (L,) 1 where the lot may be sold, else 0
    buy_max_weight: np.ndarray  # (N,) 1 where the security may be bought, else 0
    buy_block_cause: tuple[str, ...]  # (N,) first of BUY_CAUSES that blocks buying, or ""
    sell_block_cause: tuple[str, ...]  # (L,) first of SELL_CAUSES that blocks selling, or ""
    harvest_groups: frozenset[str]  # wash keys in harvest mode


def group_weights(inp: OptimizationInput, weights: np.ndarray) -> dict[str, float]:
    """Sum of ``weights`` (N,) per wash key."""
    totals: dict[str, float] = {}
    for key, weight in zip(inp.wash_keys, weights, strict=True):
        totals[key] = totals.get(key, 0.0) + float(weight)
    return totals


def unbuyable_groups(inp: OptimizationInput) -> set[str]:
    """Groups where no member may be bought anyway: harvest mode costs them nothing."""
    buyable = {key for key, blocked in zip(inp.wash_keys, inp.buy_forbidden, strict=True)
               if not blocked}
    return set(inp.wash_keys) - buyable


def candidate_groups(inp: OptimizationInput, screen: HarvestScreen) -> frozenset[str]:
    """First choice: harvest wherever a candidate lot is."""
    keys = {inp.wash_keys[inp.lot_security[c.lot]] for c in screen.candidates}
    return frozenset(keys | unbuyable_groups(inp))


def tracking_groups(inp: OptimizationInput, screen: HarvestScreen) -> frozenset[str]:
    """Second choice: harvest only where the group is not underweight, so buys that the TE
    budget needs are not blocked by harvesting."""
    held = group_weights(inp, inp.weights)
    target = group_weights(inp, inp.benchmark_weights)
    keys = {key for key in candidate_groups(inp, screen) if held[key] >= target[key]}
    return frozenset(keys | unbuyable_groups(inp))


def overweight_groups(inp: OptimizationInput) -> frozenset[str]:
    """Modes for the lowest-TE problem: sell what is overweight, buy what is underweight."""
    held = group_weights(inp, inp.weights)
    target = group_weights(inp, inp.benchmark_weights)
    keys = {key for key in held if held[key] > target[key]}
    return frozenset(keys | unbuyable_groups(inp))


def trade_bounds(inp: OptimizationInput, harvest_groups: frozenset[str]) -> TradeBounds:
    """Bounds on every lot sale and every buy under the rules and the chosen modes."""
    in_harvest = np.array([key in harvest_groups for key in inp.wash_keys], dtype=bool)
    buy_causes = [
        _first_cause(
            (inp.excluded[i], "excluded"),
            (inp.no_buy[i], "no_buy"),
            (inp.wash_blocked[i], "wash_sale"),
            (in_harvest[i], "harvesting"),
        )
        for i in range(inp.n_securities)
    ]
    is_loss = inp.lot_gain < 0
    sell_causes = []
    for lot in range(inp.n_lots):
        security = int(inp.lot_security[lot])
        washed = is_loss[lot] and inp.lot_wash_disallowed[lot] > 0
        sell_causes.append(_first_cause(
            (inp.no_sell[security], "no_sell"),
            (washed and not inp.tax.allow_charged_wash, "washed_loss"),
            (is_loss[lot] and not in_harvest[security], "loss_while_buying"),
        ))
    return TradeBounds(
        lot_max_fraction=np.array([0.0 if c else 1.0 for c in sell_causes]),
        buy_max_weight=np.array([0.0 if c else 1.0 for c in buy_causes]),
        buy_block_cause=tuple(buy_causes),
        sell_block_cause=tuple(sell_causes),
        harvest_groups=harvest_groups,
    )


def _first_cause(*checks: tuple[bool | np.bool_, str]) -> str:
    return next((cause for applies, cause in checks if applies), "")
