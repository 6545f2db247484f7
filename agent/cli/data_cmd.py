"""The ``lotwise data`` command group: checking a portfolio data directory."""

from __future__ import annotations

import typer

from agent.cli.common import BAD_INPUT_EXIT, AsOf, DataDir, Format, as_date, print_json
from agent.cli.data_generate_cmd import register_describe, register_generate
from tools.dataset import PortfolioData
from tools.errors import DataValidationError, Problem
from tools.loading import load_data_dir

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
    if output not in ("table", "json"):
        raise typer.BadParameter("expected table or json", param_hint="--format")
    try:
        portfolio = load_data_dir(data, as_date(as_of))
    except DataValidationError as error:
        _report_invalid(error.problems, output)
        raise typer.Exit(BAD_INPUT_EXIT) from error
    if output == "json":
        print_json({"valid": True, "problems": []})
    else:
        typer.echo(_summary(portfolio))


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


def _summary(portfolio: PortfolioData) -> str:
    dates = portfolio.close.index
    return "\n".join(
        [
            "OK: the data directory is valid",
            f"files:        {len(portfolio.file_digests)} ({', '.join(portfolio.file_digests)})",
            f"accounts:     {len(portfolio.accounts)}",
            f"households:   {len(portfolio.households)}",
            f"transactions: {len(portfolio.transactions)}",
            f"symbols:      {len(portfolio.securities)}",
            f"price dates:  {len(dates)} ({dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d})",
            f"as-of:        {portfolio.as_of.isoformat()}",
        ]
    )


register_generate(data_app)
register_describe(data_app)


def register(app: typer.Typer) -> None:
    """Add the ``data`` group (validate, generate, describe) to ``app``."""
    app.add_typer(data_app, name="data")
