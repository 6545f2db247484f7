"""``lotwise data generate`` and ``lotwise data describe``: write a synthetic data directory,
and summarize the market of any data directory (the figures the simulation is calibrated to).

The ``data`` group's owner calls ``register_generate`` and ``register_describe``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

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
from tools.errors import DataValidationError, Problem
from tools.loading import load_data_dir
from tools.market_stats import MarketStats, describe_market
from tools.synthetic import GenerationSummary, existing_outputs, generate_data_dir

EARLIEST_AS_OF = dt.date(1971, 1, 1)
LATEST_AS_OF = dt.date(2200, 12, 31)

OutDir = Annotated[Path, typer.Option("--out", help="Directory to write the data files into.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same files).")]
Households = Annotated[
    int, typer.Option("--households", min=0, help="Extra households hh-0001... for fleet runs.")
]
HistoryEnd = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Last day of the five-year price history, YYYY-MM-DD (default 2026-11-20; a weekend "
        "ends on the Friday before).",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace data files already in --out (other files are left alone)."
    ),
]


def generate(
    out: OutDir,
    *,
    seed: Seed = 7,
    households: Households = 0,
    as_of: HistoryEnd = None,
    force: Force = False,
    output: Format = "table",
) -> None:
    """Write a synthetic data directory: a fictional 500-company market with five years of
    prices, the sample household "rivera" and optionally N more households."""
    check_format(output)
    end = as_date(as_of)
    with bad_input_exits():
        _check_target(out, end, force)
        with stderr.status("Generating the synthetic market and households..."):
            summary = generate_data_dir(
                out, seed=seed, households=households, as_of=end, overwrite=force
            )
    if output == "json":
        print_json(summary.model_dump(mode="json"))
    else:
        stdout.print(_summary_table(summary))


def describe(data: DataDir, as_of: AsOf = None, output: Format = "table") -> None:
    """Market figures of a data directory: benchmark volatility, average stock volatility and
    pairwise correlation, and the share of stocks down in each calendar year."""
    check_format(output)
    with bad_input_exits():
        portfolio = load_data_dir(data, as_date(as_of))
    cutoff = pd.Timestamp(portfolio.as_of)
    stats = describe_market(
        portfolio.close.loc[:cutoff],
        portfolio.adj_close.loc[:cutoff],
        portfolio.benchmark_weights(),
    )
    if output == "json":
        print_json(stats.model_dump(mode="json"))
    else:
        stdout.print(_stats_table(stats))
        stdout.print(_years_table(stats))


def register_generate(data_app: typer.Typer) -> None:
    data_app.command("generate")(generate)


def register_describe(data_app: typer.Typer) -> None:
    data_app.command("describe")(describe)


def _check_target(out: Path, as_of: dt.date | None, force: bool) -> None:
    """Refuse before spending any time: a file in place of the directory, data files that
    would be replaced without --force, an as-of outside the simulated calendar."""
    problems: list[Problem] = []
    if out.exists() and not out.is_dir():
        problems.append(Problem(str(out), None, None, "exists and is not a directory"))
    elif not force:
        problems.extend(
            Problem(str(out / name), None, None, "already exists; pass --force to replace it")
            for name in existing_outputs(out)
        )
    if as_of is not None and not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
        problems.append(
            Problem("--as-of", None, None, f"{as_of} is outside {EARLIEST_AS_OF} to {LATEST_AS_OF}")
        )
    if problems:
        raise DataValidationError(problems)


def _summary_table(summary: GenerationSummary) -> Table:
    table = Table(title=f"Synthetic data written to {summary.out}", show_header=False)
    table.add_column("item")
    table.add_column("value", justify="right")
    table.add_row("seed", str(summary.seed))
    table.add_row(
        "prices", f"{summary.first_price_date} to {summary.as_of} ({summary.trading_days} days)"
    )
    table.add_row("securities", str(summary.securities))
    table.add_row("households", str(summary.households))
    table.add_row("accounts", str(summary.accounts))
    table.add_row("transactions", f"{summary.transactions:,}")
    table.add_row("restrictions", str(summary.restrictions))
    table.add_row("pending purchases", str(summary.pending))
    for name, size in summary.files.items():
        table.add_row(name, f"{size:,} bytes")
    return table


def _stats_table(stats: MarketStats) -> Table:
    table = Table(title=f"Market {stats.first_date} to {stats.last_date}", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("securities (benchmark members)", str(stats.securities))
    table.add_row("trading days", str(stats.trading_days))
    table.add_row("benchmark volatility", f"{stats.market_vol:.1%}")
    table.add_row("average stock volatility", f"{stats.avg_stock_vol:.1%}")
    correlation = stats.avg_pairwise_corr
    table.add_row(
        "average pairwise correlation", "n/a" if correlation is None else f"{correlation:.2f}"
    )
    table.add_row("share of stocks down, typical full year", f"{stats.typical_share_down:.0%}")
    table.add_row("securities with dividend/split adjustments", str(stats.adjusted_securities))
    return table


def _years_table(stats: MarketStats) -> Table:
    table = Table(title="Calendar years")
    for column in ("year", "days", "benchmark return", "stocks down"):
        table.add_column(column, justify="right")
    for year in stats.years:
        label = str(year.year) if year.full_year else f"{year.year} (partial)"
        table.add_row(
            label, str(year.trading_days), f"{year.market_return:+.1%}", f"{year.share_down:.0%}"
        )
    return table
