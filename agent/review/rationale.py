"""The plain-language explanation of a proposal, filled from its numbers (no LLM needed)."""

from __future__ import annotations

from collections import Counter

from agent.planners.base import Plan
from agent.review.evaluation import Evaluation
from agent.review.proposal import Proposal
from policies import Policy


def tax_effect(savings: float) -> tuple[str, str]:
    """The estimated tax effect as a person reads it: savings, or a cost when the gains a
    proposal realizes (a transition step, say) outweigh the losses it harvests."""
    if savings >= 0:
        return "estimated tax savings", f"${savings:,.2f}"
    return "estimated tax cost", f"${-savings:,.2f}"


def rationale(proposal: Proposal, evaluation: Evaluation, plan: Plan, policy: Policy) -> str:
    metrics = proposal.metrics
    lines: list[str] = []
    if plan.steps:
        lines.append(
            "Planned: "
            + "; ".join(
                f"{step.action.replace('_', ' ')} in {step.account_id} ({step.why})"
                for step in plan.steps
            )
            + "."
        )
    else:
        lines.append(
            "Nothing called for action: no harvestable loss, TE breach, excluded "
            "holding, concentrated position or idle cash."
        )
    if proposal.trades:
        reasons = Counter(trade.reason for trade in proposal.trades)
        accounts = sorted({trade.account_id for trade in proposal.trades})
        lines.append(
            f"{len(proposal.trades)} trades in {', '.join(accounts)} ("
            + ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
            + ")."
        )
        effect, amount = tax_effect(metrics.est_tax_savings)
        lines.append(
            f"They realize ${metrics.harvested_losses:,.2f} of losses; net realized "
            f"short-term ${metrics.realized_short:,.2f}, long-term ${metrics.realized_long:,.2f}; "
            f"{effect} {amount} at marginal rates of "
            f"{policy.tax.short_rate:.1%} (short) and {policy.tax.long_rate:.1%} (long), "
            f"for about ${evaluation.costs:,.2f} of trading costs."
        )
        lines.append(
            f"Tracking error {metrics.te_before:.2%} -> {metrics.te_after:.2%} against a "
            f"{metrics.te_budget:.2%} budget; turnover {metrics.turnover:.2%}."
        )
    if evaluation.removed:
        lines.append(
            f"The independent checks removed {len(evaluation.removed)} trades: "
            + "; ".join(
                f"{r.trade.side} {r.trade.symbol} in {r.trade.account_id} ({r.check}: {r.why})"
                for r in evaluation.removed
            )
            + "."
        )
    if evaluation.flags:
        lines.append("Flags: " + "; ".join(evaluation.flags) + ".")
    if proposal.impact == "high":
        lines.append("A person must approve it: " + "; ".join(proposal.impact_reasons) + ".")
    if proposal.status_reason and proposal.status == "rejected":
        lines.append(f"Rejected: {proposal.status_reason}.")
    return " ".join(lines)
