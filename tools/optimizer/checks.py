"""Independent verification of a whole-share trade plan against every rule.

The checks read the inputs and the plan only (never the solver), recompute every figure with
:mod:`tools.optimizer.evaluate`, and report each rule as passed or failed with the evidence.
The optimizer returns nothing that fails one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tools.optimizer.evaluate import PlanFigures, TradePlan, evaluate
from tools.optimizer.inputs import OptimizationInput
from tools.tolerances import MONEY_TOLERANCE, SHARE_EPSILON

FRACTION_TOLERANCE = 1e-9  # weights, TE, turnover


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    detail: str


def _names(inp: OptimizationInput, mask: np.ndarray, limit: int = 8) -> str:
    chosen = [inp.symbols[i] for i in np.flatnonzero(mask)]
    shown = ", ".join(chosen[:limit])
    return shown + (f" and {len(chosen) - limit} more" if len(chosen) > limit else "")


def _outcome(name: str, failed: bool, failure: str, success: str) -> CheckOutcome:
    return CheckOutcome(name, not failed, failure if failed else success)


def check_lots(inp: OptimizationInput, plan: TradePlan, _: PlanFigures) -> CheckOutcome:
    over = plan.lot_sold > inp.lot_quantity + SHARE_EPSILON
    negative = (plan.lot_sold < -SHARE_EPSILON).any() or (plan.bought < -SHARE_EPSILON).any()
    lots = [inp.lot_ids[i] for i in np.flatnonzero(over)]
    return _outcome(
        "lots_available",
        bool(over.any() or negative),
        f"lots oversold: {', '.join(lots[:8])}" if lots else "negative quantity",
        "no lot is sold beyond its open quantity",
    )


def check_whole_shares(inp: OptimizationInput, plan: TradePlan, _: PlanFigures) -> CheckOutcome:
    """Orders are whole shares; a sale may close a lot that holds a fraction of a share."""
    sold = plan.lot_sold
    whole = np.isclose(sold, np.round(sold), atol=1e-9, rtol=0.0)
    closes = np.isclose(sold, inp.lot_quantity, atol=1e-9, rtol=0.0)
    bought_whole = np.isclose(plan.bought, np.round(plan.bought), atol=1e-9, rtol=0.0)
    bad_lots = ~(whole | closes)
    return _outcome(
        "whole_shares",
        bool(bad_lots.any() or not bought_whole.all()),
        f"fractional quantities in {int(bad_lots.sum())} lot sales and "
        f"{int((~bought_whole).sum())} buys",
        "every order is in whole shares (or closes a fractional lot)",
    )


def check_restrictions(inp: OptimizationInput, plan: TradePlan, _: PlanFigures) -> CheckOutcome:
    bought = plan.bought > 0
    sold = plan.sold(inp) > 0
    excluded_buy = bought & inp.excluded
    no_buy = bought & inp.no_buy
    no_sell = sold & inp.no_sell
    failures = [
        f"{label}: {_names(inp, mask)}"
        for label, mask in (
            ("buys of excluded", excluded_buy),
            ("buys under no_buy", no_buy),
            ("sales under no_sell", no_sell),
        )
        if mask.any()
    ]
    return _outcome(
        "restrictions",
        bool(failures),
        "; ".join(failures),
        "no excluded or no_buy security is bought, no no_sell security is sold",
    )


def check_wash_sale_buys(inp: OptimizationInput, plan: TradePlan, _: PlanFigures) -> CheckOutcome:
    """No buy may wash a loss: neither one realized in the last 30 days anywhere in the
    household (the ledger's block) nor one this plan realizes in the same identical group
    (IRC §1091(a))."""
    bought = plan.bought > 0
    blocked = bought & inp.wash_blocked
    loss_keys = {
        inp.wash_keys[inp.lot_security[lot]]
        for lot in np.flatnonzero((plan.lot_sold > 0) & (inp.lot_gain < 0))
    }
    same_day = bought & np.array([key in loss_keys for key in inp.wash_keys], dtype=bool)
    failures = [
        f"{label}: {_names(inp, mask)}"
        for label, mask in (
            ("buys blocked by a recent loss sale", blocked),
            ("buys of a group sold at a loss today", same_day),
        )
        if mask.any()
    ]
    return _outcome(
        "wash_sale_buys",
        bool(failures),
        "; ".join(failures),
        "no buy falls in the wash-sale window of a loss",
    )


def check_washed_loss_sales(
    inp: OptimizationInput, plan: TradePlan, figures: PlanFigures
) -> CheckOutcome:
    """A loss lot the ledger says would be washed is sold only when the policy allows it, and
    then its disallowed loss is charged and reported."""
    washed = (plan.lot_sold > 0) & (inp.lot_wash_disallowed > 0) & (inp.lot_gain < 0)
    lots = [inp.lot_ids[i] for i in np.flatnonzero(washed)]
    if inp.tax.allow_charged_wash:
        uncharged = washed & (figures.lot_disallowed <= 0)
        return _outcome(
            "washed_loss_sales",
            bool(uncharged.any()),
            "washed lots sold without charging the disallowed loss",
            f"{len(lots)} washed lots sold, disallowed loss "
            f"${figures.lot_disallowed.sum():,.2f} charged",
        )
    return _outcome(
        "washed_loss_sales",
        bool(lots),
        f"loss sales the ledger says would be washed: {', '.join(lots[:8])}",
        "no loss lot inside a wash-sale window is sold",
    )


def check_te_budget(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    budget = inp.trading.te_budget
    return _outcome(
        "te_budget",
        figures.te_after > budget + FRACTION_TOLERANCE,
        f"TE after {figures.te_after:.4%} exceeds the budget {budget:.4%}",
        f"TE after {figures.te_after:.4%} within the budget {budget:.4%}",
    )


def check_cash_band(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    low, high = inp.trading.cash_min_fraction, inp.trading.cash_max_fraction
    fraction = figures.cash_fraction
    outside = (
        fraction < low - FRACTION_TOLERANCE
        or fraction > high + FRACTION_TOLERANCE
        or figures.cash_after < -MONEY_TOLERANCE
    )
    return _outcome(
        "cash_band",
        outside,
        f"cash after {fraction:.4%} outside [{low:.2%}, {high:.2%}]",
        f"cash after {fraction:.4%} within [{low:.2%}, {high:.2%}]",
    )


def check_gains_budget(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    room = max(0.0, inp.tax.gains_room_usd)
    net = figures.realized_net
    return _outcome(
        "gains_budget",
        net > room + MONEY_TOLERANCE,
        f"net realized gain ${net:,.2f} exceeds the remaining budget ${room:,.2f}",
        f"net realized gain ${net:,.2f} within the remaining budget ${room:,.2f}",
    )


def check_turnover(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    limit = inp.trading.max_turnover
    return _outcome(
        "turnover",
        figures.turnover > limit + FRACTION_TOLERANCE,
        f"turnover {figures.turnover:.4%} exceeds {limit:.2%}",
        f"turnover {figures.turnover:.4%} within {limit:.2%}",
    )


def check_min_trade(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    minimum = inp.trading.min_trade_usd
    values = np.concatenate([figures.sold_value, figures.bought_value])
    small = (values > 0) & (values < minimum - MONEY_TOLERANCE)
    return _outcome(
        "min_trade",
        bool(small.any()),
        f"{int(small.sum())} orders below ${minimum:,.2f}",
        f"every order is at least ${minimum:,.2f}",
    )


def check_tilts(inp: OptimizationInput, _: TradePlan, figures: PlanFigures) -> CheckOutcome:
    active = figures.weights_after - inp.benchmark_weights
    failures = [
        f"{t.name} exposure {t.exposures @ active:.6f} outside {t.target} +/- {t.tolerance}"
        for t in inp.tilts
        if t.tolerance is not None
        and abs(float(t.exposures @ active) - t.target) > t.tolerance + FRACTION_TOLERANCE
    ]
    return _outcome(
        "tilts", bool(failures), "; ".join(failures), "every hard tilt within its tolerance"
    )


def check_transition(inp: OptimizationInput, plan: TradePlan, _: PlanFigures) -> CheckOutcome:
    step = inp.transition
    if step is None:
        return CheckOutcome("transition_step", True, "no transition in this run")
    sold = float(plan.sold(inp)[step.security])
    symbol = inp.symbols[step.security]
    outside = sold < step.min_shares - SHARE_EPSILON or sold > step.max_shares + SHARE_EPSILON
    return _outcome(
        "transition_step",
        outside,
        f"{symbol}: sold {sold:g} shares, outside the scheduled {step.min_shares:g} "
        f"to {step.max_shares:g}",
        f"{symbol}: sold {sold:g} shares (scheduled {step.min_shares:g} to {step.max_shares:g})",
    )


CHECKS: tuple[Callable[[OptimizationInput, TradePlan, PlanFigures], CheckOutcome], ...] = (
    check_lots,
    check_whole_shares,
    check_restrictions,
    check_wash_sale_buys,
    check_washed_loss_sales,
    check_te_budget,
    check_cash_band,
    check_gains_budget,
    check_turnover,
    check_min_trade,
    check_tilts,
    check_transition,
)


def run_checks(inp: OptimizationInput, plan: TradePlan) -> list[CheckOutcome]:
    figures = evaluate(inp, plan)
    return [check(inp, plan, figures) for check in CHECKS]


def failed(outcomes: list[CheckOutcome]) -> list[CheckOutcome]:
    return [outcome for outcome in outcomes if not outcome.passed]
