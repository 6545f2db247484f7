"""``lotwise eval``: the scenario scorecard and the tax-alpha backtest with its report."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.common import BAD_INPUT_EXIT, Format, check_format, print_json, stderr
from evals.backtest.market import Market, synthetic_market
from evals.backtest.real_data import real_data_available, sp500_market
from evals.backtest.suite import ANCHORS, FULL, QUICK, run_suite, summarize
from evals.report import COLUMNS, anchor_cells, summary_cells, write_report
from evals.scenarios.catalog import SCENARIOS
from evals.scenarios.scenario import ScenarioResult, run_scenario

eval_app = typer.Typer(
    name="eval", help="Scenario scorecard and tax-alpha backtest.", no_args_is_help=True
)


@eval_app.command("scenarios")
def scenarios(
    fmt: Format = "table",
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this scenario (repeat for more).")
    ] = None,
) -> None:
    """Run every scripted situation through the real review; exit 1 if any fails."""
    check_format(fmt)
    known = {scenario.name: scenario for scenario in SCENARIOS}
    unknown = [name for name in only or [] if name not in known]
    if unknown:
        stderr.print(
            f"[red]error:[/red] unknown scenario(s) {', '.join(unknown)}; known: "
            + ", ".join(known)
        )
        raise typer.Exit(BAD_INPUT_EXIT)
    chosen = [known[name] for name in only] if only else list(SCENARIOS)
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # solver accuracy notes; the checks decide
        for scenario in chosen:
            stderr.print(f"scenario {scenario.name}", highlight=False)
            results.append(run_scenario(scenario))
    if fmt == "json":
        print_json(
            {
                "passed": sum(r.passed for r in results),
                "failed": sum(not r.passed for r in results),
                "scenarios": [dataclasses.asdict(r) for r in results],
            }
        )
    else:
        typer.echo(_scenario_lines(results))
    if not all(r.passed for r in results):
        raise typer.Exit(1)


def _scenario_lines(results: list[ScenarioResult]) -> str:
    """One line per scenario (PASS/FAIL, name, review status, expected behaviour), then what
    went wrong under a failure, then the count."""
    width = max(len(r.name) for r in results)
    lines = []
    for r in results:
        lines.append(
            f"{'PASS' if r.passed else 'FAIL'}  {r.name.ljust(width)}  "
            f"{r.status.ljust(16)}  {r.expected}"
        )
        lines += [f"      - {failure}" for failure in r.failures]
    lines.append(f"{sum(r.passed for r in results)}/{len(results)} scenarios passed")
    return "\n".join(lines)


def _parse_seeds(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if text is None:
        return default
    try:
        seeds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        seeds = ()
    if not seeds or any(seed < 0 for seed in seeds):
        stderr.print(
            f"[red]error:[/red] --seeds must be non-negative integers separated by "
            f"commas, got {text!r}"
        )
        raise typer.Exit(BAD_INPUT_EXIT)
    return seeds


@eval_app.command("backtest")
def backtest(
    quick: Annotated[bool, typer.Option("--quick", help="Small run (CI, < 3 minutes).")] = False,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Where report.md, report.html and the plots go.", file_okay=False
        ),
    ] = Path("eval-report"),
    seeds: Annotated[
        str | None,
        typer.Option(
            "--seeds", help="Synthetic market seeds, comma-separated (default 1,2 quick; 1-4)."
        ),
    ] = None,
    real_data: Annotated[
        bool,
        typer.Option(
            "--real-data", help="Add the skfolio S&P 500 stocks (needs the real-data extra)."
        ),
    ] = False,
    fmt: Format = "table",
) -> None:
    """Backtest lotwise against the baselines and the published anchors; write the report."""
    check_format(fmt)
    base = QUICK if quick else FULL
    settings = dataclasses.replace(base, seeds=_parse_seeds(seeds, base.seeds))
    markets: list[Market] = [
        synthetic_market(seed, settings.names, settings.years) for seed in settings.seeds
    ]
    if real_data:
        if real_data_available():
            markets.append(sp500_market(settings.years))
        else:
            stderr.print(
                "warning: skfolio is not installed (pip install 'lotwise[real-data]');"
                " the S&P 500 data set is skipped",
                highlight=False,
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # solver accuracy notes; the checks decide
        scored = run_suite(
            settings,
            markets,
            progress=lambda step: stderr.print(f"backtest {step}", highlight=False),
        )
    rows = summarize(scored)
    written = write_report(out_dir, settings, scored, rows)
    if fmt == "json":
        print_json(
            {
                "settings": dataclasses.asdict(settings),
                "markets": [market.name for market in markets],
                "summary": [dataclasses.asdict(row) for row in rows],
                "anchors": [dataclasses.asdict(anchor) for anchor in ANCHORS],
                "report": [path.name for path in written],
            }
        )
        return
    typer.echo(_text_table(COLUMNS, [summary_cells(row) for row in rows]))
    typer.echo("")
    typer.echo(_text_table(("published anchor", "tax alpha / yr", "note"), anchor_cells()))
    stderr.print(f"report written to {out_dir}/report.md and report.html", highlight=False)


def _text_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """Plain aligned columns: the summary stays readable however narrow the terminal."""
    widths = [max(len(cells[i]) for cells in [list(header), *rows]) for i in range(len(header))]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if i in (0, len(cells) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join(
        [line(header), line(["-" * width for width in widths]), *(line(cells) for cells in rows)]
    )


def register(app: typer.Typer) -> None:
    """Add the ``eval`` group (scenarios, backtest) to ``app``."""
    app.add_typer(eval_app, name="eval")
