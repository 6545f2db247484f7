"""``lotwise evidence``: read, verify, report, replay and explain the evidence of review runs.

Exit codes: 0 done (for ``verify``: intact and complete; for ``replay``: identical), 1
``verify``, ``witness`` or ``export`` found tampering or missing evidence, or ``replay`` found
a difference, 2 bad input (no store, unknown run, bad witness file, changed data files, wrong
options).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.common import (
    DataDir,
    Format,
    RunId,
    bad_input_exits,
    check_format,
    print_json,
    stderr,
    stdout,
)
from agent.evidence.audit import audit
from agent.evidence.export import export_run
from agent.evidence.html_report import write_html_report
from agent.evidence.replay import ReplayResult, replay_run
from agent.evidence.store import EvidenceStore, StoreTip, evidence_path, unknown_run
from agent.evidence.timeline import SHORT_HASH, display_time, render_timeline
from agent.evidence.verify import VerificationResult
from agent.evidence.why import explain
from agent.evidence.witness import append_witness
from agent.paths import state_dir_for
from tools.errors import DataValidationError
from tools.loading.securities import load_securities

TAMPERED_EXIT = 1
DIFFERENT_EXIT = 1
SECURITIES_FILE = "securities.csv"

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", file_okay=False, help="Where lotwise keeps its state (default DIR/.lotwise)."
    ),
]
evidence_app = typer.Typer(
    help="The evidence log: what each review run saw, checked, proposed and who approved it.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``evidence`` command group to ``app``."""
    app.add_typer(evidence_app, name="evidence")


@evidence_app.command("show")
def show(run_id: RunId, data: DataDir, fmt: Format = "table", state_dir: StateDir = None) -> None:
    """A run's records as a timeline: seq, time, node, kind, summary, short hash."""
    check_format(fmt)
    with bad_input_exits(), EvidenceStore(_existing_store(data, state_dir)) as store:
        records = store.records(run_id)
        if not records:
            raise unknown_run(store.path, run_id)
    if fmt == "json":
        print_json(
            {
                "run_id": run_id,
                "head": records[-1].hash,
                "records": [record.document() for record in records],
            }
        )
    else:
        stdout.print(render_timeline(run_id, records))


@evidence_app.command("verify")
def verify(
    run_id: Annotated[
        str | None, typer.Argument(help="The run to verify.", show_default=False)
    ] = None,
    *,
    data: DataDir,
    all_runs: Annotated[
        bool, typer.Option("--all", help="Verify every run and the store-wide sequence.")
    ] = False,
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="A hash recorded elsewhere (the proposal's evidence.head_hash): "
            "fail unless the run's chain contains it.",
        ),
    ] = None,
    witness: Annotated[
        Path | None,
        typer.Option(
            "--witness",
            dir_okay=False,
            show_default=False,
            help="A witness file ('lotwise evidence witness'): fail unless the log still "
            "reaches every head it holds.",
        ),
    ] = None,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Recompute the hash chains and cross-check the run store, orders files and witness;
    exit 1 naming the first bad seq or what is missing."""
    check_format(fmt)
    if (run_id is not None) == all_runs:
        raise typer.BadParameter("give either a RUN_ID or --all")
    if anchor is not None and all_runs:
        raise typer.BadParameter("--anchor applies to one run, not --all")
    with bad_input_exits():
        result = audit(_state(data, state_dir), run_id, anchor=anchor, witness=witness)
    if not result.guards_intact and result.records:
        stderr.print(
            "[yellow]warning:[/yellow] the store's append-only triggers are missing or altered",
            markup=True,
            highlight=False,
        )
    if fmt == "json":
        print_json(result.document())
    else:
        for line in _verdict(result):
            typer.echo(line)
    if not result.ok:
        raise typer.Exit(TAMPERED_EXIT)


@evidence_app.command("witness")
def witness(
    data: DataDir,
    *,
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            dir_okay=False,
            show_default=False,
            help="The witness file to append to; keep it outside the state folder "
            "(another machine, write-once storage).",
        ),
    ],
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Verify everything, then append the log's store-wide head and record count to a witness
    file (exit 1, appending nothing, when verification fails)."""
    check_format(fmt)
    with bad_input_exits():
        result = audit(_state(data, state_dir))
    if not result.ok or result.head is None:
        for line in _verdict(result):
            typer.echo(line, err=True)
        typer.echo("refused: nothing witnessed while verification fails", err=True)
        raise typer.Exit(TAMPERED_EXIT)
    witnessed = append_witness(to, StoreTip(result.records, result.head))
    if fmt == "json":
        print_json(witnessed)
    else:
        typer.echo(
            f"witnessed {witnessed['records']} records, head {witnessed['head']} "
            f"at {witnessed['witnessed_at']} in {to}"
        )


@evidence_app.command("runs")
def runs(data: DataDir, fmt: Format = "table", state_dir: StateDir = None) -> None:
    """Every run in the store with its record count and head hash."""
    check_format(fmt)
    with bad_input_exits(), EvidenceStore(_existing_store(data, state_dir)) as store:
        summaries = store.run_summaries()
    if fmt == "json":
        print_json({"runs": [dataclasses.asdict(summary) for summary in summaries]})
        return
    table = Table(title=f"{len(summaries)} runs", title_justify="left")
    for column in ("run", "records", "head", "last record (UTC)"):
        table.add_column(column, no_wrap=True)
    for summary in summaries:
        table.add_row(
            summary.run_id,
            str(summary.records),
            summary.head[:SHORT_HASH],
            " ".join(display_time(summary.last_timestamp)) if summary.last_timestamp else "?",
        )
    stdout.print(table)


@evidence_app.command("export")
def export(
    run_id: RunId,
    *,
    destination: Annotated[
        Path | None,
        typer.Option(
            "--json", dir_okay=False, show_default=False, help="File to write the JSON export to."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--html",
            dir_okay=False,
            show_default=False,
            help="File to write the compliance report (one self-contained HTML file) to.",
        ),
    ] = None,
    data: DataDir,
    state_dir: StateDir = None,
) -> None:
    """Write a run's records, chain rule and verification to a JSON file and/or its compliance
    report to an HTML file (exit 1 if the chain does not verify).

    Files are written even when verification fails: they then say where the chain breaks.
    """
    if destination is None and report is None:
        raise typer.BadParameter("give --json FILE, --html FILE or both")
    results: list[tuple[Path, VerificationResult]] = []
    with bad_input_exits():
        path = _existing_store(data, state_dir)
        if destination is not None:
            results.append((destination, export_run(path, run_id, destination)))
        if report is not None:
            results.append((report, write_html_report(data, path, run_id, report)))
    failed = False
    for written, result in results:
        if result.ok:
            typer.echo(f"exported run {run_id} to {written}: {_verdict(result)[0]}")
            continue
        failed = True
        typer.echo(f"exported run {run_id} to {written}, but verification failed:")
        for line in _verdict(result):
            typer.echo(line)
    if failed:
        raise typer.Exit(TAMPERED_EXIT)


@evidence_app.command("replay")
def replay(run_id: RunId, data: DataDir, fmt: Format = "table", state_dir: StateDir = None) -> None:
    """Re-run the run's deterministic steps on the data it read; exit 1 at the first difference.

    Refuses (exit 2), naming the files, when the data files changed since the run other than
    by rows appended at their end (such as paper fills).
    """
    check_format(fmt)
    with bad_input_exits():
        path = _existing_store(data, state_dir)
        result = replay_run(data, state_dir_for(data, state_dir), path, run_id)
    if fmt == "json":
        print_json(result.document())
    else:
        for line in _replay_lines(result):
            typer.echo(line)
    if not result.identical:
        raise typer.Exit(DIFFERENT_EXIT)


@evidence_app.command("why")
def why(
    run_id: RunId,
    symbol: Annotated[str, typer.Argument(help="The security's symbol.", show_default=False)],
    data: DataDir,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Why a security was or was not traded in a run, citing evidence seq numbers."""
    check_format(fmt)
    with bad_input_exits(), EvidenceStore(_existing_store(data, state_dir)) as store:
        records = store.records(run_id)
        if not records:
            raise unknown_run(store.path, run_id)
        securities_file = data / SECURITIES_FILE
        securities = load_securities(securities_file) if securities_file.is_file() else {}
        explanation = explain(run_id, records, symbol, securities.get(symbol))
        if symbol not in securities and not explanation.findings:
            raise DataValidationError.single(
                SECURITIES_FILE, None, "symbol", f"unknown symbol {symbol!r}"
            )
    if fmt == "json":
        print_json(explanation.document())
        return
    name = f" ({explanation.name}, {explanation.sector})" if explanation.name else ""
    typer.echo(f"{symbol}{name} in run {run_id}: {explanation.summary}")
    for finding in explanation.findings:
        typer.echo(f"  seq {finding.seq:>4}  {finding.topic:<12} {finding.text}")


def _replay_lines(result: ReplayResult) -> list[str]:
    lines = []
    if result.grown_files:
        lines.append(
            f"restored {', '.join(result.grown_files)} to the rows the run read "
            "(rows were appended since)"
        )
    for seq, reason in sorted(result.skipped.items()):
        lines.append(f"seq {seq}: not replayed: {reason}")
    if result.difference is None:
        seqs = ", ".join(str(seq) for seq in result.compared)
        lines.append(f"identical: {len(result.compared)} records replayed (seq {seqs})")
    else:
        lines.append(f"DIFFERENT at {result.difference.describe()}")
    return lines


def _verdict(result: VerificationResult) -> list[str]:
    if result.ok:
        across = f" in {result.runs} runs" if result.scope == "all" else ""
        return [f"verified {result.records} records{across}, head {result.head}"]
    lines = [f"FAILED: {chain_break.describe()}" for chain_break in result.breaks]
    lines += [f"FAILED: missing: {problem}" for problem in result.missing]
    if result.anchor_found is False:
        lines.append(
            f"FAILED: run {result.scope}: anchor {result.anchor} is not in its chain "
            "(the run was truncated or rewritten after the anchor was taken)"
        )
    return lines


def _state(data: Path, state_dir: Path | None) -> Path:
    if not data.is_dir():
        raise DataValidationError.single(str(data), None, None, "no such data directory")
    return state_dir_for(data, state_dir)


def _existing_store(data: Path, state_dir: Path | None) -> Path:
    """The evidence file of a data directory; bad input if there is none."""
    path = evidence_path(_state(data, state_dir))
    if not path.is_file():
        raise DataValidationError.single(
            str(path), None, None, "no evidence store (no review has run here yet)"
        )
    return path
