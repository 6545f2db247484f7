"""The ``lotwise data`` command group: ``validate`` here, ``generate`` and ``describe`` from
``data_generate_cmd``."""

from __future__ import annotations

import typer

from agent.cli.common import (
    BAD_INPUT_EXIT,
    AsOf,
    DataDir,
    Format,
    as_date,
    check_format,
    print_json,
)
from agent.cli.data_generate_cmd import register_describe, register_generate
from tools.errors import Problem
from tools.loading import DataDirSummary, check_data_dir

data_app = typer.Typer(
    name="data",
    help="Generate, check and describe a portfolio data directory.",
    no_args_is_help=True,
)


@data_app.command("validate")
def validate(data: DataDir, as_of: AsOf = None, output: Format = "table") -> None:
    """Check every file of a data directory and list all problems found.

    Exits 0 with a short summary when valid; exits 2 listing every problem on stderr.
    """
    check_format(output)
    problems, summary = check_data_dir(data, as_date(as_of))
    if summary is None:
        _report_invalid(problems, output)
        raise typer.Exit(BAD_INPUT_EXIT)
    if output == "json":
        print_json({"valid": True, "problems": []})
    else:
        typer.echo(_summary_text(summary))


def _report_invalid(problems: list[Problem], output: str) -> None:
    if output == "json":
        print_json(
            {
                "valid": False,
                "problems": [
                    {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
                    for p in problems
                ],
            }
        )
        return
    for problem in problems:
        typer.echo(str(problem), err=True)


def _summary_text(summary: DataDirSummary) -> str:
    return "\n".join(
        [
            "OK: the data directory is valid",
            f"files:        {len(summary.files)} ({', '.join(summary.files)})",
            f"accounts:     {summary.accounts}",
            f"households:   {summary.households}",
            f"transactions: {summary.transactions}",
            f"symbols:      {summary.symbols}",
            f"price dates:  {summary.price_dates} ({summary.first_price_date.isoformat()} to "
            f"{summary.last_price_date.isoformat()})",
            f"as-of:        {summary.as_of.isoformat()}",
        ]
    )


register_generate(data_app)
register_describe(data_app)


def register(app: typer.Typer) -> None:
    """Add the ``data`` group (validate, generate, describe) to ``app``."""
    app.add_typer(data_app, name="data")
