"""Turn a checked whole-share plan into the typed :class:`TradeList`.

Each order gets one reason (docs/CONTRACTS.md §3). Sells are split by why each lot goes:
everything sold from an excluded security is ``restriction``; from a concentrated position,
``transition``; loss lots of a security whose harvest candidates are sold are ``harvest``
(the group cannot be bought back for 31 days anyway, so its smaller losses go along); other
lots are ``cash`` when cash started below its band, else ``rebalance``. Buys matched to a
harvest sale are ``replacement``; the others are ``cash`` when cash started above its band,
else ``rebalance``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from tools.optimizer.checks import CheckOutcome
from tools.optimizer.errors import BindingConstraint
from tools.optimizer.evaluate import PlanFigures, TradePlan
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.replacement import match_replacements
from tools.optimizer.results import (
    BindingReport,
    CheckReport,
    HarvestCandidateReport,
    LotRelief,
    SkippedHarvest,
    SolveTimings,
    Trade,
    TradeList,
    TradeMetrics,
    TradeReason,
)
from tools.optimizer.screening import HarvestScreen


def sell_reason(inp: OptimizationInput, lot: int, harvested: set[int]) -> TradeReason:
    """Why ``lot`` is sold; ``harvested`` holds the securities with a candidate lot sold."""
    security = int(inp.lot_security[lot])
    if inp.excluded[security]:
        return "restriction"
    if inp.transition is not None and inp.transition.security == security:
        return "transition"
    if security in harvested and inp.lot_gain[lot] < 0:
        return "harvest"
    if inp.cash < inp.trading.cash_min_fraction * inp.account_value:
        return "cash"
    return "rebalance"


def build_trade_list(
    inp: OptimizationInput,
    plan: TradePlan,
    *,
    figures: PlanFigures,
    screen: HarvestScreen,
    binding: list[BindingConstraint],
    outcomes: list[CheckOutcome],
    timings: SolveTimings,
    notes: list[str],
) -> TradeList:
    harvested = {
        int(inp.lot_security[c.lot]) for c in screen.candidates if plan.lot_sold[c.lot] > 0
    }
    groups: dict[tuple[int, TradeReason], list[int]] = defaultdict(list)
    for lot in np.flatnonzero(plan.lot_sold > 0):
        groups[(int(inp.lot_security[lot]), sell_reason(inp, int(lot), harvested))].append(int(lot))
    harvest_value = np.zeros(inp.n_securities)
    for (security, reason), lots in groups.items():
        if reason == "harvest":
            harvest_value[security] += float(plan.lot_sold[lots].sum() * inp.prices[security])
    links = match_replacements(inp, harvest_value, figures.bought_value)
    replaced_by: dict[int, list[str]] = defaultdict(list)
    replaces: dict[int, list[str]] = defaultdict(list)
    for link in links:
        replaced_by[link.harvested].append(inp.symbols[link.replacement])
        replaces[link.replacement].append(inp.symbols[link.harvested])

    trades = [
        _sell(
            inp, plan, figures, security=security, reason=reason, lots=lots, replaced_by=replaced_by
        )
        for (security, reason), lots in sorted(
            groups.items(), key=lambda item: (inp.symbols[item[0][0]], item[0][1])
        )
    ]
    above_band = inp.cash > inp.trading.cash_max_fraction * inp.account_value
    for security in sorted(
        (int(i) for i in np.flatnonzero(plan.bought > 0)), key=lambda i: inp.symbols[i]
    ):
        reason: TradeReason = (
            "replacement" if security in replaces else "cash" if above_band else "rebalance"
        )
        quantity = float(plan.bought[security])
        trades.append(
            Trade(
                account_id=inp.account_id,
                symbol=inp.symbols[security],
                side="buy",
                quantity=quantity,
                est_price=float(inp.prices[security]),
                reason=reason,
                value=quantity * float(inp.prices[security]),
                replaces=replaces.get(security, []),
            )
        )
    sold_lots = {int(lot) for lot in np.flatnonzero(plan.lot_sold > 0)}
    return TradeList(
        account_id=inp.account_id,
        as_of=inp.as_of,
        status="trades" if trades else "no_action",
        trades=trades,
        metrics=_metrics(inp, figures),
        binding=[
            BindingReport(name=b.name, dual=b.dual, slack=b.slack, detail=b.detail) for b in binding
        ],
        checks=check_reports(outcomes),
        candidates=[
            HarvestCandidateReport(
                lot_id=c.lot_id,
                symbol=c.symbol,
                quantity=c.quantity,
                term=c.term,
                loss=c.loss,
                tax_value=c.tax_value,
                harvested=c.lot in sold_lots,
            )
            for c in screen.candidates
        ],
        skipped=[
            SkippedHarvest(
                lot_id=s.lot_id, symbol=s.symbol, loss=s.loss, reason=s.reason, detail=s.detail
            )
            for s in screen.skipped
        ],
        timings=timings,
        notes=notes,
    )


def _sell(
    inp: OptimizationInput,
    plan: TradePlan,
    figures: PlanFigures,
    *,
    security: int,
    reason: TradeReason,
    lots: list[int],
    replaced_by: dict[int, list[str]],
) -> Trade:
    quantity = float(plan.lot_sold[lots].sum())
    price = float(inp.prices[security])
    return Trade(
        account_id=inp.account_id,
        symbol=inp.symbols[security],
        side="sell",
        quantity=quantity,
        est_price=price,
        reason=reason,
        lots=[
            LotRelief(lot_id=lot_id, quantity=shares)
            for lot_id, shares in _by_lot_id(inp, plan, lots).items()
        ],
        value=quantity * price,
        realized_gain=float(figures.lot_gain[lots].sum()),
        disallowed_loss=float(figures.lot_disallowed[lots].sum()),
        replaced_by=replaced_by.get(security, []) if reason == "harvest" else [],
    )


def _by_lot_id(inp: OptimizationInput, plan: TradePlan, lots: list[int]) -> dict[str, float]:
    """Shares relieved per lot id: parts of one lot are named once (the ledger relieves them
    in share order, which the plan already follows)."""
    relieved: dict[str, float] = {}
    for lot in lots:
        relieved[inp.lot_ids[lot]] = relieved.get(inp.lot_ids[lot], 0.0) + float(plan.lot_sold[lot])
    return relieved


def _metrics(inp: OptimizationInput, figures: PlanFigures) -> TradeMetrics:
    return TradeMetrics(
        te_before=figures.te_before,
        te_after=figures.te_after,
        te_budget=inp.trading.te_budget,
        realized_short=figures.realized_short,
        realized_long=figures.realized_long,
        harvested_losses=figures.harvested_losses,
        disallowed_loss=float(figures.lot_disallowed.sum()),
        est_tax_savings=figures.tax_value,
        turnover=figures.turnover,
        spread_cost=figures.spread_cost,
        commission=figures.commission,
        cash_before=inp.cash,
        cash_after=figures.cash_after,
        account_value=inp.account_value,
    )


def check_reports(outcomes: list[CheckOutcome]) -> list[CheckReport]:
    return [CheckReport(name=o.name, passed=o.passed, detail=o.detail) for o in outcomes]
