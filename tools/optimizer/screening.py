"""Harvest screening: which loss lots are worth selling today, and why the others are not.

A lot is a candidate when its usable loss, net of the round-trip cost of selling it and
buying a replacement, exceeds both policy thresholds (dollars and fraction of basis), its tax
value is positive (never in a tax-deferred account) and the ledger does not say the sale
would be washed (IRC §1091(a)). Candidates are ranked by the
tax value they would realize.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tools.optimizer.inputs import OptimizationInput

SkipReason = Literal["restriction", "wash_sale_window", "below_threshold"]
Term = Literal["short", "long"]


@dataclass(frozen=True)
class HarvestCandidate:
    lot: int  # index into the input's lots
    lot_id: str
    symbol: str
    quantity: float
    term: Term
    loss: float  # unrealized loss in dollars, > 0
    disallowed: float  # part of the loss the ledger would disallow (charged wash), >= 0
    cost: float  # estimated round-trip cost: sale plus replacement purchase
    tax_value: float  # rate x (loss - disallowed) - cost


@dataclass(frozen=True)
class SkippedLot:
    lot: int
    lot_id: str
    symbol: str
    loss: float
    reason: SkipReason
    detail: str


@dataclass(frozen=True)
class HarvestScreen:
    candidates: tuple[HarvestCandidate, ...]  # best tax value first
    skipped: tuple[SkippedLot, ...]  # loss lots passed over, in lot order

    def as_dict(self) -> dict[str, object]:
        return {
            "candidates": [
                {
                    "lot_id": c.lot_id,
                    "symbol": c.symbol,
                    "quantity": c.quantity,
                    "term": c.term,
                    "loss": c.loss,
                    "disallowed": c.disallowed,
                    "cost": c.cost,
                    "tax_value": c.tax_value,
                }
                for c in self.candidates
            ],
            "skipped": [
                {
                    "lot_id": s.lot_id,
                    "symbol": s.symbol,
                    "loss": s.loss,
                    "reason": s.reason,
                    "detail": s.detail,
                }
                for s in self.skipped
            ],
        }


def round_trip_cost(inp: OptimizationInput) -> np.ndarray:
    """(L,) cost of selling each whole lot and buying its replacement: two half-spreads, two
    commissions (an upper estimate: several lots can share one order)."""
    trading = inp.trading
    return 2.0 * trading.half_spread * inp.lot_value + 2.0 * trading.commission_per_trade


def screen_harvest(inp: OptimizationInput) -> HarvestScreen:
    """Rank the account's loss lots as harvest candidates, with a reason for each one skipped."""
    loss = -inp.lot_gain
    cost = round_trip_cost(inp)
    rate = inp.lot_rate
    candidates: list[HarvestCandidate] = []
    skipped: list[SkippedLot] = []
    for lot in np.flatnonzero(loss > 0):
        security = int(inp.lot_security[lot])
        symbol = inp.symbols[security]
        disallowed = float(min(inp.lot_wash_disallowed[lot], loss[lot]))
        usable = float(loss[lot]) - disallowed
        net = usable - float(cost[lot])
        tax_value = float(rate[lot]) * usable - float(cost[lot])
        reason, detail = _skip_reason(
            inp,
            security,
            disallowed=disallowed,
            net_loss=net,
            basis=float(inp.lot_basis[lot]),
            tax_value=tax_value,
        )
        if reason is not None:
            skipped.append(
                SkippedLot(int(lot), inp.lot_ids[lot], symbol, float(loss[lot]), reason, detail)
            )
            continue
        candidates.append(
            HarvestCandidate(
                lot=int(lot),
                lot_id=inp.lot_ids[lot],
                symbol=symbol,
                quantity=float(inp.lot_quantity[lot]),
                term="long" if inp.lot_long_term[lot] else "short",
                loss=float(loss[lot]),
                disallowed=disallowed,
                cost=float(cost[lot]),
                tax_value=tax_value,
            )
        )
    candidates.sort(key=lambda c: (-c.tax_value, c.lot))
    return HarvestScreen(tuple(candidates), tuple(skipped))


def _skip_reason(
    inp: OptimizationInput,
    security: int,
    *,
    disallowed: float,
    net_loss: float,
    basis: float,
    tax_value: float,
) -> tuple[SkipReason | None, str]:
    if inp.no_sell[security]:
        return "restriction", "no_sell restriction on the security"
    if disallowed > 0 and not inp.tax.allow_charged_wash:
        return "wash_sale_window", (
            f"a purchase within 30 days would disallow ${disallowed:,.2f} of the loss "
            "(IRC §1091(a))"
        )
    if tax_value <= 0:
        return "below_threshold", (
            f"the loss is worth ${tax_value:,.2f} after costs at this account's tax rates"
        )
    thresholds = inp.harvest
    pct = net_loss / basis if basis > 0 else 0.0
    if net_loss <= thresholds.min_loss_usd or pct <= thresholds.min_loss_pct:
        return "below_threshold", (
            f"loss net of costs ${net_loss:,.2f} ({pct:.2%} of basis) does not exceed "
            f"${thresholds.min_loss_usd:,.2f} and {thresholds.min_loss_pct:.2%}"
        )
    return None, ""
