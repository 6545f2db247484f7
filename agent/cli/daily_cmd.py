"""``lotwise daily``: review every household of a data directory, as a scheduled job would."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from agent.cli.common import (
    AsOf,
    DataDir,
    Format,
    as_date,
    bad_input_exits,
    check_format,
    print_json,
    stderr,
)
from agent.cli.common import stdout as out
from agent.cli.review_cmd import note_recoveries
from agent.llm.client import client_from_env
from agent.llm.review import review_runner
from agent.review.daily import DailySummary, run_daily, write_summary
from agent.review.rationale import tax_effect

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where runs, checkpoints and evidence live (default DIR/.lotwise)."
    ),
]


def daily(
    data: DataDir, *, as_of: AsOf = None, fmt: Format = "table", state_dir: StateDir = None
) -> None:
    """Review every household: auto-approve and execute low impact, hold high impact.

    Exits 1 when any household failed (the others still ran); the summary is also written to
    the state directory as daily/<as-of>.json.
    """
    check_format(fmt)
    with bad_input_exits():
        # The LLM planner and narrator when a model is configured, rules and templates if not.
        runner = review_runner(data, client_from_env(), state_dir=state_dir)
        as_of_date = as_date(as_of)
        as_of_text = as_of_date.isoformat() if as_of_date else None
        households = list(runner.services.snapshot(as_of_text).data.households)
        progress = Progress(
            TextColumn("reviewing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=stderr,
            transient=True,
        )
        with progress:
            task = progress.add_task("", total=len(households))
            summary = run_daily(
                runner,
                as_of_text,
                on_household=lambda household: progress.update(
                    task, advance=1, description=household
                ),
            )
    assert runner.state_dir is not None
    note_recoveries(runner)
    write_summary(runner.state_dir, summary)
    if fmt == "json":
        print_json(summary.document())
    else:
        out.print(_summary_table(summary))
    if summary.failures:
        raise typer.Exit(1)


def _summary_table(summary: DailySummary) -> Table:
    document = summary.document()
    table = Table(title=f"Daily review {summary.as_of}", show_header=False)
    table.add_column("item")
    table.add_column("value", justify="right")
    table.add_row("households reviewed", str(document["households_reviewed"]))
    for status, count in document["proposals_by_status"].items():
        table.add_row(f"  {status}", str(count))
    table.add_row("harvested losses", f"${document['harvested_losses']:,.2f}")
    table.add_row(*tax_effect(document["est_tax_savings"]))
    table.add_row(
        "TE alerts", ", ".join(f"{a}: {s}" for a, s in document["alerts"].items()) or "none"
    )
    table.add_row(
        "failures", "\n".join(f"{h}: {e}" for h, e in document["failures"].items()) or "none"
    )
    return table


def register(app: typer.Typer) -> None:
    app.command("daily")(daily)
