"""``make demo``: generate the sample data and walk the Rivera household through a review.

1. generate the sample market and households;
2. show the household as the ledger sees it (values, lots, unrealized gains, harvest
   candidates, wash-sale traps);
3. run the review the day before the last price date, as advisor "ana": it is high impact, so
   it waits for approval;
4. approve it as a second person, "ben": it is re-checked and executed in paper mode (fills
   appended to transactions.csv);
5. run the next day's review and show that the harvested names are now blocked from
   repurchase (IRC §1091), then verify the evidence chain of the first run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from agent.cli.demo_overview import household_overview
from agent.cli.render import proposal_view
from agent.evidence import evidence_path, verify_run
from agent.review.runner import ReviewRunner
from agent.review.snapshot import load_snapshot
from tools.ledger.forward import blocked_buys
from tools.synthetic import generate_data_dir

HOUSEHOLD = "rivera"
ADVISOR = "ana"
APPROVER = "ben"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="lotwise demo on the sample data")
    parser.add_argument("--out", type=Path, default=Path("sample-data"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    console = Console()
    status = Console(stderr=True)

    console.print(Rule("1. Generate the sample market and households"))
    _reset_state(args.out)
    summary = generate_data_dir(args.out, seed=args.seed, overwrite=True)
    console.print(
        f"wrote {args.out}/: {summary.securities} securities, "
        f"{summary.trading_days} trading days to {summary.as_of}, "
        f"{summary.households} household(s)"
    )

    snapshot = load_snapshot(args.out)
    dates = snapshot.data.close.index
    review_day, next_day = dates[-2].date().isoformat(), dates[-1].date().isoformat()

    console.print(Rule(f"2. The {HOUSEHOLD} household on {next_day}"))
    console.print(
        household_overview(
            snapshot.data, snapshot.ledger(HOUSEHOLD), HOUSEHOLD, snapshot.pending_of(HOUSEHOLD)
        )
    )

    runner = ReviewRunner(args.out)
    console.print(Rule(f"3. Review on {review_day}, requested by {ADVISOR}"))
    with status.status("reviewing (perceive, reason, evaluate, propose)..."):
        run = runner.review(HOUSEHOLD, review_day, requested_by=ADVISOR)
    assert run.proposal is not None
    console.print(proposal_view(run.proposal))
    console.print(
        f"status: [bold]{run.status}[/bold] (waiting for a second person: "
        f"{ADVISOR} may not approve a high-impact proposal)"
    )

    console.print(Rule(f"4. {APPROVER} approves; re-check and paper execution"))
    if run.status == "pending_approval":
        with status.status("re-checking against the latest data and executing..."):
            run = runner.approve(run.run_id, by=APPROVER, comment="reviewed in the demo")
    orders = runner.services.runs.orders(run.run_id)
    console.print(
        f"run {run.run_id}: [bold]{run.status}[/bold], {len(orders)} orders written "
        f"and filled into transactions.csv"
    )

    console.print(Rule(f"5. Next day ({next_day}): harvested names are blocked"))
    with status.status("reviewing the next day..."):
        next_run = runner.review(HOUSEHOLD, next_day, requested_by=ADVISOR)
    console.print(f"next review {next_run.run_id}: {next_run.status}")
    console.print(
        _blocks_table(
            args.out, next_day, {order["symbol"] for order in orders if order.get("side") == "sell"}
        )
    )

    verification = verify_run(evidence_path(runner.services.state_dir), run.run_id)
    console.print(
        f"evidence of {run.run_id}: {verification.records} records, chain "
        f"{'verified' if verification.ok else 'BROKEN'}, head {verification.head}"
    )


def _blocks_table(data_dir: Path, day: str, sold: set[str]) -> Table:
    snapshot = load_snapshot(data_dir, day)
    blocks = blocked_buys(snapshot.ledger(HOUSEHOLD), HOUSEHOLD, snapshot.as_of)
    table = Table(title="Blocked from repurchase (sold at a loss in the last 30 days)")
    for column in ("symbols", "loss", "blocked until", "sold by the demo run"):
        table.add_column(column)
    for block in sorted(blocks, key=lambda b: -b.loss):
        table.add_row(
            ", ".join(block.symbols),
            f"${block.loss:,.2f}",
            block.blocked_until.isoformat(),
            "yes" if sold.intersection(block.symbols) else "",
        )
    return table


def _reset_state(out: Path) -> None:
    """Start the demo from scratch: regenerate the data and forget earlier demo runs."""
    state = out / ".lotwise"
    if state.is_dir():
        for path in sorted(state.rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
            else:
                path.rmdir()
        state.rmdir()


if __name__ == "__main__":
    main()
