"""Rich renderings of proposals and runs for advisors at a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from agent.review.rationale import tax_effect
from agent.review.runs import RunRecord


def proposal_view(proposal: dict[str, Any]) -> Group:
    metrics = proposal["metrics"]
    header = Table.grid(padding=(0, 2))
    header.add_row("run", proposal["run_id"], "household", proposal["household_id"])
    header.add_row("as of", proposal["as_of"], "status", f"[bold]{proposal['status']}[/bold]")
    header.add_row("impact", proposal["impact"], "policy", proposal["policy_version"][:12])

    numbers = Table(title="Metrics", show_header=False)
    numbers.add_column("metric")
    numbers.add_column("value", justify="right")
    numbers.add_row(
        "TE before / after / budget",
        f"{metrics['te_before']:.2%} / {metrics['te_after']:.2%} / {metrics['te_budget']:.2%}",
    )
    numbers.add_row("harvested losses", f"${metrics['harvested_losses']:,.2f}")
    numbers.add_row(*tax_effect(metrics["est_tax_savings"]))
    numbers.add_row(
        "realized short / long",
        f"${metrics['realized_short']:,.2f} / ${metrics['realized_long']:,.2f}",
    )
    numbers.add_row("disallowed loss", f"${metrics['disallowed_loss']:,.2f}")
    numbers.add_row("turnover", f"{metrics['turnover']:.2%}")

    trades = Table(title=f"Trades ({len(proposal['trades'])})")
    for column in ("#", "account", "side", "symbol", "quantity", "est. price", "value", "reason"):
        trades.add_column(
            column,
            justify="right" if column in {"#", "quantity", "est. price", "value"} else "left",
        )
    for number, trade in enumerate(proposal["trades"], 1):
        shares = f"{trade['quantity']:,.4f}".rstrip("0").rstrip(".")
        trades.add_row(
            str(number),
            trade["account_id"],
            trade["side"],
            trade["symbol"],
            shares,
            f"${trade['est_price']:,.2f}",
            f"${trade['quantity'] * trade['est_price']:,.2f}",
            trade["reason"],
        )

    checks = Table(title="Checks")
    for column in ("check", "result", "detail", "evidence"):
        checks.add_column(column)
    for check in proposal["checks"]:
        checks.add_row(
            check["name"],
            "[green]pass[/green]" if check["passed"] else "[red]FAIL[/red]",
            check["detail"],
            str(check.get("evidence_seq")),
        )
    parts: list[Any] = [header, numbers, trades, checks]
    if proposal["impact_reasons"]:
        parts.append(Panel("\n".join(proposal["impact_reasons"]), title="Why a person decides"))
    if proposal.get("status_reason"):
        parts.append(Panel(proposal["status_reason"], title=f"Status: {proposal['status']}"))
    if proposal.get("rationale"):
        parts.append(Panel(proposal["rationale"], title="Rationale"))
    return Group(*parts)


def runs_table(runs: list[RunRecord], title: str = "Runs") -> Table:
    table = Table(title=title)
    for column in ("run", "household", "as of", "status", "impact", "trades", "requested by"):
        table.add_column(column)
    for run in runs:
        proposal = run.proposal or {}
        table.add_row(
            run.run_id,
            run.household_id,
            run.as_of,
            run.status,
            proposal.get("impact", "-"),
            str(len(proposal.get("trades", []))),
            run.requested_by,
        )
    return table
