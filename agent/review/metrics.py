"""The proposal's numbers, computed from the checked trade list and the ledger's lots.

Realized figures follow Form 8949: gain = proceeds - basis + disallowed loss, short or long
by the holding period from the lot's ``acquired_date`` (IRC §1222, tacked per §1223(3)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agent.review.evaluation import AccountTracking
from agent.review.proposal import ProposalMetrics, ProposedTrade
from agent.review.snapshot import Snapshot
from policies import Policy
from tools.ledger.holding import term_of


@dataclass(frozen=True)
class Realized:
    short: float  # net short-term gain (negative: loss), reportable
    long: float
    losses: float  # economic losses realized (positive), before any disallowance


def realized_by_term(
    snapshot: Snapshot, trades: Sequence[ProposedTrade], disallowed: Mapping[int, float]
) -> Realized:
    """Gains of the sales by term; ``disallowed`` (trade index -> charged wash) is added back
    to the terms pro rata to each term's loss (IRC §1091(a): the loss is not deductible)."""
    day = snapshot.as_of.toordinal()
    short = long = losses = 0.0
    for index, trade in enumerate(trades):
        if trade.side != "sell":
            continue
        if snapshot.data.accounts[trade.account_id].is_ira_type:
            # Sales inside an IRA, Roth, 401(k) or HSA recognize no gain or loss: they are
            # neither taxed nor harvested (IRC §408(e)(1), §408A(a), §501(a), §223(e)(1)).
            continue
        by_term = {"short": 0.0, "long": 0.0}
        loss_by_term = {"short": 0.0, "long": 0.0}
        for relief in trade.lots:
            remaining = relief.quantity
            for part in snapshot.lots_by_id(trade.account_id).get(relief.lot_id, ()):
                taken = min(remaining, part.quantity)
                if taken <= 0:
                    break
                gain = taken * trade.est_price - part.cost_basis * taken / part.quantity
                term = term_of(part.acquired_date.toordinal(), day)
                by_term[term] += gain
                loss_by_term[term] += max(-gain, 0.0)
                remaining -= taken
        total_loss = loss_by_term["short"] + loss_by_term["long"]
        charged = disallowed.get(index, 0.0)
        for term in ("short", "long"):
            if total_loss > 0:
                by_term[term] += charged * loss_by_term[term] / total_loss
        short += by_term["short"]
        long += by_term["long"]
        losses += total_loss
    return Realized(short=short, long=long, losses=losses)


def proposal_metrics(
    snapshot: Snapshot,
    policy: Policy,
    trades: Sequence[ProposedTrade],
    *,
    disallowed: Mapping[int, float],
    accounts: Mapping[str, AccountTracking],
    household_value: float,
) -> ProposalMetrics:
    """Metrics of the list; TE figures are those of the account closest to its budget."""
    realized = realized_by_term(snapshot, trades, disallowed)
    tax = policy.tax
    traded = {t.account_id for t in trades}
    shown = {a: row for a, row in accounts.items() if a in traded} or dict(accounts)
    binding = max(
        shown.values(),
        key=lambda row: row.te_after / row.te_budget,
        default=AccountTracking(te_before=0.0, te_after=0.0, te_budget=1.0),
    )
    value_traded = sum(t.quantity * t.est_price for t in trades)
    return ProposalMetrics(
        te_before=binding.te_before,
        te_after=binding.te_after,
        te_budget=binding.te_budget,
        realized_short=realized.short,
        realized_long=realized.long,
        harvested_losses=realized.losses,
        disallowed_loss=sum(disallowed.values()),
        # Marginal rates (federal + state + NIIT): a realized loss saves its rate, a gain
        # costs it; the charged wash is already netted into the realized figures.
        est_tax_savings=-(tax.short_rate * realized.short + tax.long_rate * realized.long),
        turnover=value_traded / 2.0 / household_value if household_value > 0 else 0.0,
    )
