"""``lotwise ledger`` (open lots, disposals, wash sales; JSON or Form 8949 CSV), ``lotwise lots``
(one account's lots at market) and ``lotwise washsale`` (what the household may not do today).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agent.cli.common import (
    AsOf,
    DataDir,
    Format,
    as_date,
    bad_input_exits,
    check_format,
    print_json,
)
from agent.cli.common import stdout as console
from tools.dataset import PortfolioData
from tools.household_policy import (
    POLICY_FILE,
    policy_from_overrides,
    replay_directory,
    tax_rates,
)
from tools.ledger import Ledger, replay_ledger
from tools.ledger.forward import (
    BuyBlock,
    LossSaleStatus,
    blocked_buys,
    loss_sale_check,
)
from tools.ledger.report import form_8949_csv, ledger_document, shares
from tools.loading import (
    load_accounts,
    load_data_dir,
    load_policy_overrides,
    load_securities,
    load_transactions,
)
from tools.tolerances import cents
from tools.unrealized import ValuedLot, value_lots

LEDGER_FORMATS = ("table", "json", "8949", "txf")

OptionalDataDir = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Portfolio data directory (instead of the single files).", file_okay=False
    ),
]
LedgerFormat = Annotated[
    str,
    typer.Option(
        "--format",
        help="Output format: table, json, 8949 (Form 8949 CSV) or txf (TXF 042 for tax software).",
    ),
]
TaxYear = Annotated[
    int | None,
    typer.Option("--year", help="With --format txf: only the sales of this tax year.", min=1900),
]


def ledger(
    *,
    transactions: Annotated[
        Path | None, typer.Option("--transactions", help="transactions.csv", dir_okay=False)
    ] = None,
    accounts: Annotated[
        Path | None, typer.Option("--accounts", help="accounts.csv", dir_okay=False)
    ] = None,
    securities: Annotated[
        Path | None,
        typer.Option(
            "--securities", help="securities.csv (identical groups; optional)", dir_okay=False
        ),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="policy.yaml overrides (optional)", dir_okay=False),
    ] = None,
    data: OptionalDataDir = None,
    as_of: AsOf = None,
    output: LedgerFormat = "table",
    year: TaxYear = None,
) -> None:
    """Replay the transactions into open lots, disposals and household wash sales."""
    check_format(output, LEDGER_FORMATS)
    if year is not None and output != "txf":
        raise typer.BadParameter("--year goes with --format txf", param_hint="--year")
    from_files = transactions is not None or accounts is not None
    if (data is not None) == from_files:
        raise typer.BadParameter(
            "give either --data DIR or --transactions and --accounts",
            param_hint="--data/--transactions",
        )
    with bad_input_exits():
        if data is not None:
            result = replay_directory(load_data_dir(data, as_date(as_of)))
        else:
            if transactions is None or accounts is None:
                raise typer.BadParameter(
                    "give both --transactions and --accounts",
                    param_hint="--transactions/--accounts",
                )
            result = _ledger_of_files(transactions, accounts, securities, policy, as_date(as_of))
    if output == "json":
        print_json(ledger_document(result))
    elif output == "8949":
        typer.echo(form_8949_csv(result), nl=False)
    elif output == "txf":
        from tools.taxforms.txf import txf_document, txf_sales

        typer.echo(txf_document(txf_sales(result, year), dt.date.today()), nl=False)
    else:
        console.print(_summary_table(result))


def lots(
    *,
    data: DataDir,
    account: Annotated[str, typer.Option("--account", help="Account id.")],
    as_of: AsOf = None,
    output: Format = "table",
) -> None:
    """Open lots of one account with price, market value, unrealized gain and term."""
    check_format(output)
    with bad_input_exits():
        portfolio = load_data_dir(data, as_date(as_of))
        if account not in portfolio.accounts:
            raise typer.BadParameter(f"unknown account {account!r}", param_hint="--account")
        result = replay_directory(portfolio)
        prices = _prices(portfolio)
        rows = [
            _valued_lot_document(valued)
            for valued in value_lots(result.open_lots(account), prices, portfolio.as_of)
        ]
    if output == "json":
        print_json(
            {
                "account_id": account,
                "as_of": portfolio.as_of.isoformat(),
                "lots": rows,
                "cash": cents(result.cash.get(account, 0.0)),
            }
        )
        return
    console.print(_lots_table(account, portfolio.as_of, rows))
    console.print(f"cash: ${cents(result.cash.get(account, 0.0)):,.2f}")


def washsale(
    *,
    data: DataDir,
    household: Annotated[str, typer.Option("--household", help="Household id.")],
    as_of: AsOf = None,
    output: Format = "table",
) -> None:
    """Blocked buys, loss sales that would be washed today, and when each block ends."""
    check_format(output)
    with bad_input_exits():
        portfolio = load_data_dir(data, as_date(as_of))
        if household not in portfolio.households:
            raise typer.BadParameter(f"unknown household {household!r}", param_hint="--household")
        result = replay_directory(portfolio)
        policy = policy_from_overrides(portfolio.policy_overrides, household)
        pending = portfolio.pending if policy.wash_sale.pending_purchases_count else ()
        blocks = blocked_buys(result, household, portfolio.as_of)
        statuses = loss_sale_check(result, household, portfolio.as_of, pending, _prices(portfolio))
    unsafe = [status for status in statuses if not status.safe]
    document = {
        "household_id": household,
        "as_of": portfolio.as_of.isoformat(),
        "blocked_buys": [_block_document(block) for block in blocks],
        "unsafe_loss_sales": [_status_document(status) for status in unsafe],
        "safe_loss_sales": sum(1 for status in statuses if status.safe),
        "calendar": _calendar(blocks),
    }
    if output == "json":
        print_json(document)
        return
    for table in _washsale_tables(document):
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``ledger``, ``lots`` and ``washsale`` to ``app``."""
    app.command("ledger")(ledger)
    app.command("lots")(lots)
    app.command("washsale")(washsale)


# -- building the ledger ---------------------------------------------------------------


def _ledger_of_files(
    transactions: Path,
    accounts: Path,
    securities: Path | None,
    policy: Path | None,
    as_of: dt.date | None,
) -> Ledger:
    known_accounts = load_accounts(accounts)
    known_securities = load_securities(securities) if securities is not None else None
    rows = load_transactions(transactions, known_accounts, known_securities)
    overrides = load_policy_overrides(policy) if policy is not None else {}
    households = {account.household_id for account in known_accounts.values()}
    policy_name = policy.name if policy is not None else POLICY_FILE
    default, by_household = tax_rates(overrides, households, policy_name)
    return replay_ledger(
        rows, known_accounts, known_securities, *default, as_of=as_of, household_rates=by_household
    )


def _prices(portfolio: PortfolioData) -> dict[str, float]:
    closes = portfolio.prices_on(portfolio.as_of)
    return {
        str(symbol): float(price)
        for symbol, price in closes.items()
        if not math.isnan(float(price))
    }


# -- documents -------------------------------------------------------------------------


def _valued_lot_document(valued: ValuedLot) -> dict[str, Any]:
    lot = valued.lot
    return {
        "symbol": lot.symbol,
        "lot_id": lot.lot_id,
        "quantity": shares(lot.quantity),
        "purchase_date": lot.purchase_date.isoformat(),
        "acquired_date": lot.acquired_date.isoformat(),
        "cost_basis": cents(lot.cost_basis),
        "wash_sale_adjustment": cents(lot.wash_sale_adjustment),
        "price": cents(valued.price),
        "market_value": cents(valued.market_value),
        "unrealized_gain": cents(valued.unrealized_gain),
        "term": valued.term,
    }


def _block_document(block: BuyBlock) -> dict[str, Any]:
    return {
        "wash_key": block.wash_key,
        "symbols": list(block.symbols),
        "blocked_until": block.blocked_until.isoformat(),
        "loss": cents(block.loss),
        "losses": [
            {
                "account_id": loss.account_id,
                "symbol": loss.symbol,
                "lot_id": loss.lot_id,
                "sell_date": loss.sell_date.isoformat(),
                "quantity": shares(loss.quantity),
                "loss": cents(loss.loss),
            }
            for loss in block.losses
        ],
    }


def _status_document(status: LossSaleStatus) -> dict[str, Any]:
    return {
        "account_id": status.account_id,
        "symbol": status.symbol,
        "lot_id": status.lot_id,
        "quantity": shares(status.quantity),
        "price": cents(status.price),
        "loss": cents(status.loss),
        "term": status.term,
        "disallowed": cents(status.disallowed),
        "replacements": [
            {
                "account_id": source.account_id,
                "symbol": source.symbol,
                "lot_id": source.lot_id,
                "date": source.date.isoformat(),
                "quantity": shares(source.quantity),
                "pending": source.pending,
                "permanent": source.permanent,
            }
            for source in status.replacements
        ],
    }


def _calendar(blocks: list[BuyBlock]) -> list[dict[str, Any]]:
    """When each block ends: the first day the group may be bought again."""
    return [
        {
            "buy_allowed_from": (block.blocked_until + dt.timedelta(days=1)).isoformat(),
            "symbols": list(block.symbols),
        }
        for block in blocks
    ]


# -- rich tables -----------------------------------------------------------------------


def _summary_table(result: Ledger) -> Table:
    realized: dict[str, dict[str, float]] = {}
    for disposal in result.disposals:
        totals = realized.setdefault(
            disposal.account_id, {"short": 0.0, "long": 0.0, "disallowed": 0.0}
        )
        totals[disposal.term] += disposal.gain
        totals["disallowed"] += disposal.wash_sale_disallowed
    open_lots = result.open_lots()
    as_of = result.as_of.isoformat() if result.as_of else "last transaction"
    table = Table(title=f"Ledger as of {as_of}")
    for column in (
        "account",
        "realized short",
        "realized long",
        "wash disallowed",
        "open lots",
        "open basis",
        "cash",
    ):
        table.add_column(column, justify="left" if column == "account" else "right")
    for account_id, cash in result.cash.items():
        totals = realized.get(account_id, {"short": 0.0, "long": 0.0, "disallowed": 0.0})
        lots_here = [lot for lot in open_lots if lot.account_id == account_id]
        table.add_row(
            account_id,
            f"${cents(totals['short']):,.2f}",
            f"${cents(totals['long']):,.2f}",
            f"${cents(totals['disallowed']):,.2f}",
            str(len(lots_here)),
            f"${cents(sum(lot.cost_basis for lot in lots_here)):,.2f}",
            f"${cents(cash):,.2f}",
        )
    table.caption = (
        f"{len(result.disposals)} disposals, {len(result.wash_sales)} wash-sale "
        "matches; --format json or 8949 for the detail"
    )
    return table


def _lots_table(account: str, as_of: dt.date, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"Open lots of {account} as of {as_of.isoformat()}")
    for column in (
        "symbol",
        "lot",
        "quantity",
        "acquired",
        "basis",
        "price",
        "value",
        "unrealized",
        "term",
        "wash adj.",
    ):
        table.add_column(
            column, justify="left" if column in {"symbol", "lot", "acquired", "term"} else "right"
        )
    for row in rows:
        gain = row["unrealized_gain"]
        table.add_row(
            row["symbol"],
            row["lot_id"],
            f"{row['quantity']:,.6g}",
            row["acquired_date"],
            f"${row['cost_basis']:,.2f}",
            f"${row['price']:,.2f}",
            f"${row['market_value']:,.2f}",
            f"[{'green' if gain >= 0 else 'red'}]${gain:,.2f}[/]",
            row["term"],
            f"${row['wash_sale_adjustment']:,.2f}" if row["wash_sale_adjustment"] else "",
        )
    return table


def _washsale_tables(document: dict[str, Any]) -> list[Table]:
    heading = f"household {document['household_id']} as of {document['as_of']}"
    blocked = Table(title=f"Blocked buys, {heading}")
    for column in ("symbols", "blocked until", "loss at risk", "sold from"):
        blocked.add_column(column, justify="right" if column == "loss at risk" else "left")
    for block in document["blocked_buys"]:
        sources = ", ".join(
            f"{loss['account_id']}/{loss['lot_id']} {loss['sell_date']}" for loss in block["losses"]
        )
        blocked.add_row(
            ", ".join(block["symbols"]), block["blocked_until"], f"${block['loss']:,.2f}", sources
        )
    unsafe = Table(
        title=f"Loss sales that would be washed today ({document['safe_loss_sales']} "
        "other loss lots are safe to sell)"
    )
    for column in ("account", "symbol", "lot", "loss", "disallowed", "because of"):
        unsafe.add_column(column, justify="right" if column in {"loss", "disallowed"} else "left")
    for status in document["unsafe_loss_sales"]:
        causes = ", ".join(
            f"{source['account_id']} {source['symbol']} {source['quantity']:g} sh "
            f"{source['date']}{' (pending)' if source['pending'] else ''}"
            for source in status["replacements"]
        )
        unsafe.add_row(
            status["account_id"],
            status["symbol"],
            status["lot_id"],
            f"${status['loss']:,.2f}",
            f"${status['disallowed']:,.2f}",
            causes,
        )
    calendar = Table(title="Calendar: buys allowed again from")
    calendar.add_column("date")
    calendar.add_column("symbols")
    for entry in document["calendar"]:
        calendar.add_row(entry["buy_allowed_from"], ", ".join(entry["symbols"]))
    return [blocked, unsafe, calendar]
