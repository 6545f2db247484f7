"""``lotwise import ibkr|csv``: bring a custodian's statement into a data directory.

Every import is a dry run unless ``--apply``: it prints the rows it would add (by action,
symbols, date range), the rows already imported, and every problem. Blocking problems (an
incomplete lot, an unknown symbol, an unsupported corporate action...) make it exit 2, and
``--apply`` then writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent.cli.common import (
    BAD_INPUT_EXIT,
    DataDir,
    Format,
    bad_input_exits,
    check_format,
    print_json,
)

if TYPE_CHECKING:
    from tools.importers.plan import ImportPlan
    from tools.importers.rows import ParsedSource

import_app = typer.Typer(
    name="import",
    help="Import a custodian statement into a data directory (dry run unless --apply).",
    no_args_is_help=True,
)

Account = Annotated[str, typer.Option("--account", help="lotwise account id to import into.")]
Apply = Annotated[
    bool, typer.Option("--apply", help="Write the rows (default: dry run, writes nothing).")
]


@import_app.command("ibkr")
def import_ibkr(
    *,
    statement: Annotated[Path, typer.Argument(help="Flex Query statement (XML).", dir_okay=False)],
    data: DataDir,
    account: Account,
    statement_account: Annotated[
        str | None,
        typer.Option("--statement-account", help="IBKR account id, when the file holds several."),
    ] = None,
    apply: Apply = False,
    output: Format = "table",
) -> None:
    """Interactive Brokers Flex Query: trades, lots held, splits, dividends, cash."""
    check_format(output)
    from tools.importers.ibkr import parse_flex

    with bad_input_exits():
        parsed = parse_flex(statement, statement_account)
    _plan_and_apply(parsed, data, account, apply, output)


@import_app.command("csv")
def import_csv(
    *,
    file: Annotated[Path, typer.Argument(help="Broker CSV export.", dir_okay=False)],
    data: DataDir,
    account: Account,
    mapping: Annotated[
        str,
        typer.Option(
            "--mapping",
            help="Column mapping: a shipped name (schwab-transactions, fidelity-lots) or a "
            "YAML file.",
        ),
    ],
    apply: Apply = False,
    output: Format = "table",
) -> None:
    """A broker's trade or lot CSV, read through a column mapping."""
    check_format(output)
    from tools.importers.mapped_csv import parse_mapped_csv
    from tools.importers.mapping import load_mapping

    with bad_input_exits():
        loaded, mapping_file = load_mapping(mapping)
        parsed = parse_mapped_csv(file, loaded, mapping_file)
    _plan_and_apply(parsed, data, account, apply, output)


def _plan_and_apply(
    parsed: ParsedSource, data: Path, account: str, apply: bool, output: str
) -> None:
    from tools.importers.plan import apply_plan, build_plan

    with bad_input_exits():
        plan = build_plan(data, account, parsed)
    summary = plan.summary()
    written = apply and not plan.blocking
    if written:
        with bad_input_exits():
            apply_plan(plan)
    summary["applied"] = written
    if output == "json":
        print_json(summary)
    else:
        _print_summary(plan, summary, apply)
    if plan.blocking:
        raise typer.Exit(BAD_INPUT_EXIT)


def _print_summary(plan: ImportPlan, summary: dict[str, Any], apply: bool) -> None:
    from rich.markup import escape

    from agent.cli.common import stderr, stdout

    verb = "added" if summary["applied"] else "would add"
    actions = ", ".join(f"{count} {action}" for action, count in summary["by_action"].items())
    span = f"{summary['first_date']} to {summary['last_date']}" if summary["first_date"] else "-"
    lines = [
        f"{summary['source']} ({summary['kind']}) into account {summary['account_id']}:",
        f"  {verb} {summary['rows_to_add']} rows ({actions or 'none'})",
        f"  symbols: {', '.join(summary['symbols']) or '-'}",
        f"  dates:   {span}",
        f"  already imported: {summary['already_imported']} rows; lots already held: "
        f"{summary['already_held']}",
    ]
    for line in lines:
        stdout.print(line, highlight=False, markup=False)
    for problem in plan.problems:
        label = "[red]blocking:[/red]" if problem.blocking else "[yellow]not imported:[/yellow]"
        stderr.print(f"{label} {escape(str(problem))}", highlight=False, soft_wrap=True)
    if plan.blocking:
        stderr.print(
            f"{len(plan.blocking)} blocking problem(s): nothing was written", highlight=False
        )
    elif not apply:
        stdout.print("dry run: nothing was written (add --apply to write)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``import`` group (ibkr, csv) to ``app``."""
    app.add_typer(import_app, name="import")
