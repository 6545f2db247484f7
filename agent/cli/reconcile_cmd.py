"""``lotwise reconcile 1099b``: a broker's Form 1099-B against the household ledger."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.cli.common import DataDir, Format, bad_input_exits, check_format, print_json

if TYPE_CHECKING:
    from tools.taxforms.reconcile import Reconciliation

reconcile_app = typer.Typer(
    name="reconcile",
    help="Compare broker tax forms with the household ledger.",
    no_args_is_help=True,
)


@reconcile_app.command("1099b")
def reconcile_1099b_command(
    *,
    file: Annotated[Path, typer.Argument(help="The broker's 1099-B as CSV.", dir_okay=False)],
    data: DataDir,
    account: Annotated[str, typer.Option("--account", help="Account the 1099-B is for.")],
    year: Annotated[int, typer.Option("--year", help="Tax year.", min=1900)],
    output: Format = "table",
) -> None:
    """List every difference between the 1099-B and the ledger, with its reason.

    Above all: losses the ledger disallows because the replacement was bought in another
    account of the household, which the broker cannot see.
    """
    check_format(output)
    from tools.errors import DataValidationError
    from tools.household_policy import replay_directory
    from tools.loading import load_data_dir
    from tools.taxforms.form1099b import load_1099b
    from tools.taxforms.reconcile import reconcile_1099b

    with bad_input_exits():
        _, sales = load_1099b(file)
        portfolio = load_data_dir(data, None)
        if account not in portfolio.accounts:
            raise DataValidationError.single(
                "accounts.csv", None, "account_id", f"unknown account '{account}' (--account)"
            )
        if portfolio.accounts[account].is_ira_type:
            raise DataValidationError.single(
                "accounts.csv",
                None,
                "tax_type",
                f"account '{account}' is an IRA-type account: its sales get no 1099-B",
            )
        result = reconcile_1099b(
            replay_directory(portfolio, every_transaction=True), account, year, sales
        )
    if output == "json":
        print_json(result.document())
        return
    _print(result)


def _print(result: Reconciliation) -> None:
    from rich.markup import escape
    from rich.table import Table

    from agent.cli.common import stdout

    table = Table(
        title=f"1099-B of {result.account_id} for {result.year}: {result.matched} sales agree, "
        f"{len(result.differences)} differences"
    )
    for column in ("sold", "symbol", "reason", "explanation"):
        table.add_column(column, overflow="fold")
    for difference in result.differences:
        table.add_row(
            difference.date_sold.isoformat(),
            difference.symbol,
            difference.reason,
            escape(difference.explanation),
        )
    stdout.print(table)
    broker, ledger = result.totals["broker"], result.totals["ledger"]
    for key in ("proceeds", "cost_basis", "wash_sale_disallowed"):
        stdout.print(
            f"{key}: 1099-B ${broker[key]:,.2f}, ledger ${ledger[key]:,.2f}", highlight=False
        )


def register(app: typer.Typer) -> None:
    """Add the ``reconcile`` group (1099b) to ``app``."""
    app.add_typer(reconcile_app, name="reconcile")
