"""``lotwise optimize`` (one account's tax-aware trade list) and ``lotwise transition``
(the multi-year schedule for a concentrated position, with today's step).

Exit codes: 0 with a result; 1 when no trade list satisfies the rules (the JSON document then
carries ``status: infeasible`` and what would make it feasible); 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
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
    stderr,
    stdout,
)
from agent.review.rationale import tax_effect
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.household_policy import household_policy, replay_directory
from tools.ledger import Ledger
from tools.loading import load_data_dir
from tools.optimizer.build import build_input, managed_account, realized_this_year
from tools.optimizer.errors import InfeasibleConstraintsError, InfeasibleTEBudget, OptimizerError
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import optimize
from tools.optimizer.results import TradeList
from tools.optimizer.transition import (
    TransitionPlan,
    TransitionTerms,
    plan_transition,
    step_input,
)
from tools.risk.report import build_risk_model
from tools.tolerances import cents

NO_SOLUTION_EXIT = 1
SECURITIES_FILE = "securities.csv"

AccountId = Annotated[str, typer.Option("--account", help="Managed account id.")]
Symbol = Annotated[str, typer.Option("--symbol", help="The concentrated position's symbol.")]
GainsBudget = Annotated[
    float,
    typer.Option("--gains-budget", help="Net realized gain allowed per tax year, in dollars."),
]
TargetWeight = Annotated[
    float | None,
    typer.Option(
        "--target-weight",
        help="Weight at which the position counts as diversified (default: its benchmark weight).",
    ),
]
ExpectedHarvest = Annotated[
    float,
    typer.Option(
        "--expected-harvest",
        help="Losses expected to be harvested in each later year (they raise the room).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``optimize`` and ``transition`` to ``app``."""
    app.command("optimize")(optimize_command)
    app.command("transition")(transition_command)


def optimize_command(
    *,
    data: DataDir,
    account: AccountId,
    as_of: AsOf = None,
    output: Format = "table",
) -> None:
    """Tax-aware trades for one account: harvest losses within the TE budget and every rule."""
    check_format(output)
    with bad_input_exits():
        inp = _account_input(data_dir=data, account_id=account, as_of=as_of)[0]
    try:
        result = optimize(inp)
    except OptimizerError as error:
        _report_failure(inp, error, output)
        raise typer.Exit(NO_SOLUTION_EXIT) from error
    if output == "json":
        print_json(trade_list_document(result))
    else:
        _print_trade_list(result)


def transition_command(
    *,
    data: DataDir,
    account: AccountId,
    symbol: Symbol,
    gains_budget: GainsBudget,
    target_weight: TargetWeight = None,
    expected_harvest: ExpectedHarvest = 0.0,
    as_of: AsOf = None,
    output: Format = "table",
) -> None:
    """Multi-year schedule to diversify a concentrated position within a yearly gains budget,
    and today's trades for this year's step."""
    check_format(output)
    for value, hint in ((gains_budget, "--gains-budget"), (expected_harvest, "--expected-harvest")):
        if value < 0:
            raise typer.BadParameter("must not be negative", param_hint=hint)
    if target_weight is not None and not 0 <= target_weight < 1:
        raise typer.BadParameter("expected a fraction in [0, 1)", param_hint="--target-weight")
    with bad_input_exits():
        inp, portfolio, ledger = _account_input(data_dir=data, account_id=account, as_of=as_of)
        security = _held_security(inp, symbol)
        terms = TransitionTerms(
            security=security,
            gains_budget_usd=gains_budget,
            realized_this_year_usd=realized_this_year(
                ledger, portfolio, portfolio.accounts[account].household_id
            ),
            target_weight=float(
                inp.benchmark_weights[security] if target_weight is None else target_weight
            ),
            expected_yearly_harvest_usd=expected_harvest,
        )
        plan = plan_transition(inp, terms)
    today: TradeList | None = None
    failure: OptimizerError | None = None
    try:
        today = optimize(step_input(inp, terms, plan))
    except OptimizerError as error:
        failure = error
    if output == "json":
        print_json(
            {
                "schedule": transition_document(plan),
                "today": trade_list_document(today) if today is not None else None,
                "today_error": _failure_document(inp, failure) if failure is not None else None,
            }
        )
    else:
        _print_transition(plan)
        if today is not None:
            _print_trade_list(today)
        elif failure is not None:
            _print_failure(failure)
    if failure is not None:
        raise typer.Exit(NO_SOLUTION_EXIT)


# -- inputs -------------------------------------------------------------------------------


def _account_input(
    *, data_dir: Path, account_id: str, as_of: dt.datetime | None
) -> tuple[OptimizationInput, PortfolioData, Ledger]:
    with stderr.status("loading data, ledger and risk model"):
        portfolio = load_data_dir(data_dir, as_date(as_of))
        account = managed_account(portfolio, account_id)
        policy = household_policy(portfolio, account.household_id)
        ledger = replay_directory(portfolio)
        model = build_risk_model(portfolio)
        inp = build_input(portfolio, account_id, ledger=ledger, model=model, policy=policy)
    return inp, portfolio, ledger


def _held_security(inp: OptimizationInput, symbol: str) -> int:
    if symbol not in inp.symbols:
        raise DataValidationError.single(
            SECURITIES_FILE, None, "symbol", f"{symbol} is not held in {inp.account_id}"
        )
    security = inp.symbols.index(symbol)
    if inp.position_shares[security] <= 0:
        raise DataValidationError.single(
            SECURITIES_FILE, None, "symbol", f"{symbol} is not held in {inp.account_id}"
        )
    return security


# -- documents (money rounded to cents here, at the edge) ----------------------------------


def trade_list_document(result: TradeList) -> dict[str, Any]:
    metrics = result.metrics
    return {
        "account_id": result.account_id,
        "as_of": result.as_of.isoformat(),
        "status": result.status,
        "trades": [
            {
                **trade.contract_fields(),
                "est_price": cents(trade.est_price),
                "value": cents(trade.value),
                "realized_gain": cents(trade.realized_gain),
                "disallowed_loss": cents(trade.disallowed_loss),
                "replaced_by": trade.replaced_by,
                "replaces": trade.replaces,
            }
            for trade in result.trades
        ],
        "metrics": {
            "te_before": metrics.te_before,
            "te_after": metrics.te_after,
            "te_budget": metrics.te_budget,
            "realized_short": cents(metrics.realized_short),
            "realized_long": cents(metrics.realized_long),
            "harvested_losses": cents(metrics.harvested_losses),
            "disallowed_loss": cents(metrics.disallowed_loss),
            "est_tax_savings": cents(metrics.est_tax_savings),
            "turnover": metrics.turnover,
            "spread_cost": cents(metrics.spread_cost),
            "commission": cents(metrics.commission),
            "cash_before": cents(metrics.cash_before),
            "cash_after": cents(metrics.cash_after),
            "account_value": cents(metrics.account_value),
        },
        "binding": [b.model_dump() for b in result.binding],
        "checks": [c.model_dump() for c in result.checks],
        "harvest": {
            "candidates": [
                {**c.model_dump(), "loss": cents(c.loss), "tax_value": cents(c.tax_value)}
                for c in result.candidates
            ],
            "skipped": [{**s.model_dump(), "loss": cents(s.loss)} for s in result.skipped],
        },
        "timings": result.timings.model_dump(),
        "notes": result.notes,
    }


def transition_document(plan: TransitionPlan) -> dict[str, Any]:
    return {
        "account_id": plan.account_id,
        "symbol": plan.symbol,
        "as_of": plan.as_of.isoformat(),
        "price": cents(plan.price),
        "shares_before": plan.shares_before,
        "weight_before": plan.weight_before,
        "target_weight": plan.target_weight,
        "target_shares": plan.target_shares,
        "te_before": plan.te_before,
        "years_to_target": plan.years_to_target,
        "total_tax": cents(plan.total_tax),
        "years": [
            {
                "year": y.year,
                "sale_date": y.sale_date.isoformat(),
                "gains_room": cents(y.gains_room),
                "shares_sold": y.shares_sold,
                "proceeds": cents(y.proceeds),
                "realized_short": cents(y.realized_short),
                "realized_long": cents(y.realized_long),
                "tax": cents(y.tax),
                "shares_after": y.shares_after,
                "weight_after": y.weight_after,
                "te_after": y.te_after,
                "lots": [lot.model_dump() for lot in y.lots],
            }
            for y in plan.years
        ],
        "notes": plan.notes,
    }


def _failure_document(inp: OptimizationInput, error: OptimizerError) -> dict[str, Any]:
    if isinstance(error, InfeasibleTEBudget | InfeasibleConstraintsError):
        detail = error.as_dict()
    else:
        detail = {"error": type(error).__name__, "message": str(error)}
    return {
        "account_id": inp.account_id,
        "as_of": inp.as_of.isoformat(),
        "status": "infeasible",
        **detail,
    }


def _report_failure(inp: OptimizationInput, error: OptimizerError, output: str) -> None:
    if output == "json":
        print_json(_failure_document(inp, error))
    else:
        _print_failure(error)


# -- tables --------------------------------------------------------------------------------


def _print_trade_list(result: TradeList) -> None:
    m = result.metrics
    summary = Table(title=f"{result.account_id} on {result.as_of}: {result.status}")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    for label, value in (
        ("TE before / after / budget", f"{m.te_before:.2%} / {m.te_after:.2%} / {m.te_budget:.2%}"),
        ("realized short / long", f"${m.realized_short:,.2f} / ${m.realized_long:,.2f}"),
        ("harvested losses", f"${m.harvested_losses:,.2f}"),
        ("disallowed loss (charged)", f"${m.disallowed_loss:,.2f}"),
        tax_effect(m.est_tax_savings),
        ("turnover", f"{m.turnover:.2%}"),
        ("costs (spread + commission)", f"${m.spread_cost + m.commission:,.2f}"),
        ("cash before / after", f"${m.cash_before:,.2f} / ${m.cash_after:,.2f}"),
    ):
        summary.add_row(label, value)
    stdout.print(summary)
    if result.trades:
        trades = Table(title="trades")
        for column in (
            "symbol",
            "side",
            "quantity",
            "price",
            "value",
            "reason",
            "gain",
            "lots",
            "replaces / replaced by",
        ):
            trades.add_column(
                column,
                justify="right"
                if column in ("quantity", "price", "value", "gain", "lots")
                else "left",
            )
        for t in result.trades:
            trades.add_row(
                t.symbol,
                t.side,
                f"{t.quantity:g}",
                f"{t.est_price:,.2f}",
                f"{t.value:,.2f}",
                t.reason,
                f"{t.realized_gain:,.2f}" if t.side == "sell" else "",
                str(len(t.lots)) if t.lots else "",
                ", ".join(t.replaces or t.replaced_by),
            )
        stdout.print(trades)
    if result.binding:
        binding = Table(title="binding constraints")
        for column in ("constraint", "dual", "detail"):
            binding.add_column(column)
        for b in result.binding:
            binding.add_row(b.name, f"{b.dual:.3g}", b.detail)
        stdout.print(binding)
    checks = Table(title="checks")
    for column in ("check", "passed", "detail"):
        checks.add_column(column)
    for c in result.checks:
        checks.add_row(c.name, "yes" if c.passed else "NO", c.detail)
    stdout.print(checks)
    harvested = sum(1 for c in result.candidates if c.harvested)
    stdout.print(
        f"harvest candidates: {len(result.candidates)} ({harvested} sold); "
        f"skipped loss lots: {len(result.skipped)}"
    )
    for note in result.notes:
        stdout.print(f"note: {note}")


def _print_transition(plan: TransitionPlan) -> None:
    reach = (
        f"{plan.years_to_target} years"
        if plan.years_to_target is not None
        else "not within the horizon"
    )
    table = Table(
        title=f"{plan.symbol} in {plan.account_id}: {plan.weight_before:.2%} -> "
        f"{plan.target_weight:.2%} of the account, target reached in {reach}"
    )
    for column in ("year", "room", "shares sold", "realized", "tax", "weight after", "TE after"):
        table.add_column(column, justify="right")
    for y in plan.years:
        table.add_row(
            str(y.year),
            f"${y.gains_room:,.0f}",
            f"{y.shares_sold:g}",
            f"${y.realized_short + y.realized_long:,.2f}",
            f"${y.tax:,.2f}",
            f"{y.weight_after:.2%}",
            f"{y.te_after:.2%}",
        )
    stdout.print(table)
    for note in plan.notes:
        stdout.print(f"note: {note}")


def _print_failure(error: OptimizerError) -> None:
    stdout.print(f"[red]no trade list:[/red] {error}", highlight=False)
    if isinstance(error, InfeasibleTEBudget):
        table = Table(title="relaxations")
        for column in ("constraint", "change", "lowest TE", "feasible"):
            table.add_column(column)
        for r in error.relaxations:
            table.add_row(
                r.constraint,
                r.change,
                f"{r.achievable_te:.2%}",
                "yes" if r.makes_feasible else "no",
            )
        stdout.print(table)
    elif isinstance(error, InfeasibleConstraintsError):
        for violated in error.violated:
            stdout.print(f"- {violated.name}: {violated.detail}")
