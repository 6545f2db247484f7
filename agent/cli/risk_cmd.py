"""``lotwise risk`` (tracking error of an account or household) and ``lotwise risk curve``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
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
    stderr,
    stdout,
)
from agent.paths import state_dir_for
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.loading import load_data_dir
from tools.risk.alerts import AlertChange, AlertStore
from tools.risk.curve import DEFAULT_SIZES, CurvePoint, CurveSolveError, te_curve
from tools.risk.curve_plot import save_curve_plot
from tools.risk.model import FactorModel, RiskInputError
from tools.risk.report import (
    MODEL_KINDS,
    ModelKind,
    RiskReport,
    build_risk_model,
    measure_account,
    measure_household,
)
from tools.tolerances import cents

TOP_SECURITIES = 10
TOP_FACTORS = 10
CURVE_FILE = "te_curve.png"
BENCHMARK_FILE = "benchmark.csv"
_STATUS_STYLE = {"ok": "green", "warn": "yellow", "breach": "bold red"}

OptionalDataDir = Annotated[
    Path | None,
    typer.Option("--data", help="Portfolio data directory (see docs/data.md).", file_okay=False),
]
Account = Annotated[str | None, typer.Option("--account", help="Account id to measure.")]
Household = Annotated[
    str | None, typer.Option("--household", help="Household id: its managed accounts combined.")
]
ModelOption = Annotated[str, typer.Option("--model", help="Risk model: pca or fundamental.")]
StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where alerts are kept (default DIR/.lotwise).", file_okay=False
    ),
]
Record = Annotated[
    bool,
    typer.Option(
        "--record/--no-record",
        help="Store this run's alerts (so the next run reports what changed).",
    ),
]

risk_app = typer.Typer(
    name="risk",
    help="Tracking error against the benchmark: budget status, attribution, ex-post TE.",
    invoke_without_command=True,
)


@risk_app.callback()
def risk(
    ctx: typer.Context,
    *,
    data: OptionalDataDir = None,
    account: Account = None,
    household: Household = None,
    as_of: AsOf = None,
    output: Format = "table",
    model: ModelOption = "pca",
    state_dir: StateDir = None,
    record: Record = True,
) -> None:
    """Ex-ante TE of an account or a household against its budget, what drives it, and the
    realized (ex-post) TE over the last 63 and 252 trading days."""
    if ctx.invoked_subcommand is not None:
        return
    if data is None:
        raise typer.BadParameter("give the data directory", param_hint="--data")
    if (account is None) == (household is None):
        raise typer.BadParameter(
            "give exactly one of --account or --household", param_hint="--account/--household"
        )
    check_format(output)
    kind = _model_kind(model)
    with bad_input_exits():
        portfolio = load_data_dir(data, as_date(as_of))
        risk_model = build_risk_model(portfolio, kind)
        if account is not None:
            report = measure_account(portfolio, account, risk_model, kind)
        else:
            report = measure_household(portfolio, household or "", risk_model, kind)
        changes = _alert_changes(portfolio, report, state_dir_for(data, state_dir), record)
    if output == "json":
        print_json(_report_document(report, changes))
    else:
        _print_report(report, changes)


@risk_app.command("curve")
def curve(
    *,
    data: DataDir,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="PNG file for the plot (default DIR/.lotwise/te_curve.png).",
            dir_okay=False,
        ),
    ] = None,
    as_of: AsOf = None,
    output: Format = "table",
    model: ModelOption = "pca",
    sizes: Annotated[
        str, typer.Option("--sizes", help="Comma-separated portfolio sizes (numbers of names).")
    ] = ",".join(str(size) for size in DEFAULT_SIZES),
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            help="Where the plot goes without --out (default DIR/.lotwise).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Lowest ex-ante TE a long-only portfolio of N benchmark names reaches, for each N."""
    check_format(output)
    kind = _model_kind(model)
    wanted = _sizes(sizes)
    with bad_input_exits():
        portfolio = load_data_dir(data, as_date(as_of))
        risk_model = build_risk_model(portfolio, kind)
        benchmark = portfolio.benchmark_weights(portfolio.as_of)
        points = _solve_curve(risk_model, benchmark, wanted)
    target = out or state_dir_for(data, state_dir) / CURVE_FILE
    title = f"Tracking error vs number of names ({kind}, as of {portfolio.as_of.isoformat()})"
    save_curve_plot(points, target, title)
    if output == "json":
        print_json(
            {
                "as_of": portfolio.as_of.isoformat(),
                "model": kind,
                "universe": int((benchmark > 0).sum()),
                "points": [_point_document(p) for p in points],
                "plot": str(target),
            }
        )
        return
    table = Table(
        title=f"Lowest tracking error by number of names ({kind}, "
        f"as of {portfolio.as_of.isoformat()})"
    )
    for column in ("names allowed", "names held", "tracking error", "seconds"):
        table.add_column(column, justify="right")
    for point in points:
        table.add_row(str(point.size), str(point.n_held), f"{point.te:.2%}", f"{point.seconds:.2f}")
    stdout.print(table)
    stdout.print(f"plot saved to {target}")


def _solve_curve(model: FactorModel, benchmark: pd.Series, sizes: list[int]) -> list[CurvePoint]:
    try:
        with stderr.status("optimizing portfolios of each size..."):
            return te_curve(model, benchmark, sizes)
    except RiskInputError as error:
        raise DataValidationError.single(BENCHMARK_FILE, None, "weight", str(error)) from error
    except CurveSolveError as error:
        stderr.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error


def register(app: typer.Typer) -> None:
    """Add the ``risk`` group to ``app``."""
    app.add_typer(risk_app, name="risk")


def _model_kind(model: str) -> ModelKind:
    if model == "pca":
        return "pca"
    if model == "fundamental":
        return "fundamental"
    raise typer.BadParameter(f"expected one of {', '.join(MODEL_KINDS)}", param_hint="--model")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise typer.BadParameter(
            "expected comma-separated whole numbers", param_hint="--sizes"
        ) from error
    if not sizes or min(sizes) < 1:
        raise typer.BadParameter("sizes must be positive whole numbers", param_hint="--sizes")
    return sizes


def _alert_changes(
    portfolio: PortfolioData, report: RiskReport, state_dir: Path, record: bool
) -> list[AlertChange]:
    """Alerts are kept for managed accounts only: held-away accounts have no TE budget to
    manage."""
    alerts = [a for a in report.alerts() if portfolio.accounts[a.account_id].managed]
    store = AlertStore.in_state_dir(state_dir, state_dir.name)
    return store.record(alerts) if record else store.changes_since_last(alerts)


def _fraction(value: float) -> float | None:
    """Fractions (TE, weights) at the edge: 6 decimals; NaN (not measurable) is null."""
    return None if math.isnan(value) else round(float(value), 6)


def _report_document(report: RiskReport, changes: list[AlertChange]) -> dict[str, Any]:
    attribution = report.attribution
    securities = attribution.by_security.abs().sort_values(ascending=False).index
    securities = [s for s in securities if attribution.active_weights[s] != 0][:TOP_SECURITIES]
    factors = attribution.by_factor.abs().sort_values(ascending=False).index[:TOP_FACTORS]
    return {
        "scope": report.scope,
        "id": report.scope_id,
        "household_id": report.household_id,
        "as_of": report.as_of.isoformat(),
        "model": report.model,
        "value": cents(report.value),
        "cash": cents(report.cash),
        "te": _fraction(report.te),
        "te_budget": report.budget,
        "warn_fraction": report.warn_fraction,
        "status": report.status,
        "ex_post": {f"te_{window}": _fraction(te) for window, te in report.ex_post.items()},
        "attribution": {
            "securities": [
                {
                    "symbol": symbol,
                    "sector": report.sectors.get(symbol),
                    "active_weight": _fraction(attribution.active_weights[symbol]),
                    "contribution": _fraction(attribution.by_security[symbol]),
                }
                for symbol in securities
            ],
            "sectors": [
                {"sector": sector, "contribution": _fraction(value)}
                for sector, value in attribution.by_sector.items()
            ],
            "factors": [
                {"factor": factor, "contribution": _fraction(attribution.by_factor[factor])}
                for factor in factors
            ],
        },
        "accounts": [
            {
                "account_id": account.account_id,
                "value": cents(account.value),
                "te": _fraction(account.te),
                "te_budget": account.budget,
                "status": account.status,
            }
            for account in report.accounts
        ],
        "alert_changes": [
            {
                "account_id": c.account_id,
                "kind": c.kind,
                "previous": c.previous,
                "current": c.current,
            }
            for c in changes
        ],
        "notes": list(report.notes),
    }


def _point_document(point: CurvePoint) -> dict[str, Any]:
    return {
        "size": point.size,
        "names_held": point.n_held,
        "te": _fraction(point.te),
        "seconds": round(point.seconds, 3),
    }


def _percent(value: float | None) -> str:
    return "n/a (history too short)" if value is None else f"{value:.2%}"


def _print_report(report: RiskReport, changes: list[AlertChange]) -> None:
    document = _report_document(report, changes)
    style = _STATUS_STYLE[report.status]
    summary = Table(
        title=f"Tracking error of {report.scope} {report.scope_id} "
        f"(as of {document['as_of']}, {report.model} model)",
        show_header=False,
    )
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_row("value (cash)", f"${document['value']:,.2f} (${document['cash']:,.2f})")
    summary.add_row("ex-ante TE", f"{report.te:.2%}")
    summary.add_row(
        "budget (warn above)", f"{report.budget:.2%} ({report.warn_fraction * report.budget:.2%})"
    )
    summary.add_row("status", f"[{style}]{report.status}[/{style}]")
    for window, te in document["ex_post"].items():
        summary.add_row(f"ex-post TE, {window.removeprefix('te_')} days", _percent(te))
    stdout.print(summary)

    attribution = document["attribution"]
    securities = Table(title="Largest contributions by security")
    for column in ("symbol", "sector", "active weight", "contribution"):
        securities.add_column(column, justify="left" if column in {"symbol", "sector"} else "right")
    for row in attribution["securities"]:
        securities.add_row(
            row["symbol"],
            row["sector"] or "",
            f"{row['active_weight']:+.2%}",
            f"{row['contribution']:+.3%}",
        )
    stdout.print(securities)
    for title, key, name in (
        ("Contributions by sector", "sectors", "sector"),
        ("Largest contributions by factor", "factors", "factor"),
    ):
        table = Table(title=title)
        table.add_column(name)
        table.add_column("contribution", justify="right")
        for row in attribution[key]:
            table.add_row(row[name], f"{row['contribution']:+.3%}")
        stdout.print(table)
    if report.scope == "household":
        accounts = Table(title="Managed accounts")
        for column in ("account", "value", "TE", "budget", "status"):
            accounts.add_column(column, justify="left" if column == "account" else "right")
        for row in document["accounts"]:
            row_style = _STATUS_STYLE[row["status"]]
            accounts.add_row(
                row["account_id"],
                f"${row['value']:,.2f}",
                f"{row['te']:.2%}",
                f"{row['te_budget']:.2%}",
                f"[{row_style}]{row['status']}[/{row_style}]",
            )
        stdout.print(accounts)
    for change in changes:
        stdout.print(
            f"alert {change.kind}: {change.account_id} "
            f"{change.previous or 'none'} -> {change.current}"
        )
    for note in report.notes:
        stdout.print(f"[dim]note: {note}[/dim]", highlight=False)
