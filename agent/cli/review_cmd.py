"""``lotwise review``, ``approvals``, ``approve``, ``reject`` and ``runs``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

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
from agent.cli.render import proposal_view, runs_table
from agent.identity import Identity, acting_as, authenticate
from agent.llm.client import client_from_env
from agent.llm.review import review_runner
from agent.review.decision import DecisionRefusedError
from agent.review.runner import NotPendingError, ReviewRunner, UnknownRunError
from agent.review.runs import RunRecord

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where runs, checkpoints and evidence live (default DIR/.lotwise)."
    ),
]
By = Annotated[
    str,
    typer.Option(
        "--by",
        help="Who is acting: must be you (the OS user, or LOTWISE_USER when users.yaml exists).",
    ),
]


def _acting(runner: ReviewRunner, typed: str | None) -> Identity:
    """The authenticated person, confirmed by ``--by`` when given (docs/identity.md)."""
    return acting_as(authenticate(runner.users), typed)


def _emit(run: RunRecord, fmt: str) -> None:
    if run.proposal is None:
        stderr.print(f"run {run.run_id} is {run.status} and has no proposal yet")
        raise typer.Exit(1)
    if fmt == "json":
        print_json(run.proposal)
    else:
        stdout.print(proposal_view(run.proposal))


def review(
    data: DataDir,
    *,
    household: Annotated[str, typer.Option("--household")],
    as_of: AsOf = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who requests it: must be you (default: you)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Start a new run even if one exists.")
    ] = False,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Review a household: perceive, plan, optimize, check and propose (waits if high impact)."""
    check_format(fmt)
    with bad_input_exits():
        # The LLM planner and narrator when a model is configured, rules and templates if not.
        runner = review_runner(data, client_from_env(), state_dir=state_dir)
        as_of_date = as_date(as_of)
        run = runner.review(
            household,
            as_of_date.isoformat() if as_of_date else None,
            requested_by=_acting(runner, by),
            force=force,
        )
    _emit(run, fmt)


def approvals(data: DataDir, fmt: Format = "table", state_dir: StateDir = None) -> None:
    """List runs waiting for approval."""
    check_format(fmt)
    with bad_input_exits():
        pending = ReviewRunner(data, state_dir).pending()
    if fmt == "json":
        print_json([run.proposal for run in pending])
    else:
        stdout.print(runs_table(pending, title="Waiting for approval"))


def approve(
    run_id: str,
    data: DataDir,
    *,
    by: By,
    comment: Annotated[str, typer.Option("--comment")] = "",
    drop: Annotated[
        list[int] | None,
        typer.Option("--drop", help="Trade number to remove before execution (repeatable)."),
    ] = None,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Approve a pending run (optionally without some trades); it is re-checked and executed."""
    _decide(
        lambda runner: runner.approve(run_id, _acting(runner, by), comment, drop or []),
        data,
        state_dir,
        fmt,
    )


def reject(
    run_id: str,
    data: DataDir,
    *,
    by: By,
    reason: Annotated[str, typer.Option("--reason")],
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Reject a pending run, with a reason."""
    _decide(lambda runner: runner.reject(run_id, _acting(runner, by), reason), data, state_dir, fmt)


def _decide(
    action: Callable[[ReviewRunner], RunRecord], data: Path, state_dir: Path | None, fmt: str
) -> None:
    check_format(fmt)
    with bad_input_exits():
        runner = ReviewRunner(data, state_dir)
    try:
        with bad_input_exits():
            run = action(runner)
    except UnknownRunError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
    except (NotPendingError, DecisionRefusedError) as error:
        stderr.print(f"[red]refused:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    _emit(run, fmt)


runs_app = typer.Typer(help="Review runs and their proposals.", invoke_without_command=True)


@runs_app.callback()
def runs(
    ctx: typer.Context,
    data: Annotated[
        Path | None, typer.Option("--data", help="Portfolio data directory.", file_okay=False)
    ] = None,
    household: Annotated[str | None, typer.Option("--household")] = None,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """List runs (all, or one household's)."""
    if ctx.invoked_subcommand is not None:
        return
    if data is None:
        stderr.print("[red]error:[/red] --data is required")
        raise typer.Exit(2)
    check_format(fmt)
    with bad_input_exits():
        records = ReviewRunner(data, state_dir).services.runs.list(household_id=household)
    if fmt == "json":
        print_json(
            [
                {
                    "run_id": r.run_id,
                    "household_id": r.household_id,
                    "as_of": r.as_of,
                    "status": r.status,
                    "requested_by": r.requested_by,
                    "created_at": r.created_at,
                }
                for r in records
            ]
        )
    else:
        stdout.print(runs_table(records))


@runs_app.command("show")
def runs_show(
    run_id: str, data: DataDir, fmt: Format = "table", state_dir: StateDir = None
) -> None:
    """Show one run's proposal, decision and orders."""
    check_format(fmt)
    with bad_input_exits():
        runner = ReviewRunner(data, state_dir)
    run = runner.services.runs.get(run_id)
    if run is None:
        stderr.print(f"[red]error:[/red] no run {run_id}")
        raise typer.Exit(2)
    decision = runner.services.runs.decision(run_id)
    orders = runner.services.runs.orders(run_id)
    if fmt == "json":
        print_json(
            {
                "proposal": run.proposal,
                "decision": decision,
                "orders": orders,
                "status": run.status,
                "requested_by": run.requested_by,
                "requester": run.requester,
            }
        )
        return
    if run.proposal:
        stdout.print(proposal_view(run.proposal))
    if decision:
        stdout.print(
            f"decision: {decision['decision']} by {decision['by']} at "
            f"{decision['decided_at']} {decision['comment']}".rstrip()
        )
    stdout.print(f"orders written: {len(orders)}")


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("approvals")(approvals)
    app.command("approve")(approve)
    app.command("reject")(reject)
    app.add_typer(runs_app, name="runs")
