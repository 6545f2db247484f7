"""``make demo``: generate the sample data and walk through the Rivera household."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from agent.demo_overview import household_overview
from agent.review.snapshot import load_snapshot
from tools.synthetic import generate_data_dir

HOUSEHOLD = "rivera"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("sample-data"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    console = Console()

    console.print(Rule("1. Generate the sample market and households"))
    summary = generate_data_dir(args.out, seed=args.seed, overwrite=True)
    console.print(f"wrote {args.out}/: {summary.securities} securities, "
                  f"{summary.trading_days} trading days to {summary.as_of}, "
                  f"{summary.households} household(s)")

    console.print(Rule(f"2. The {HOUSEHOLD} household today"))
    snapshot = load_snapshot(args.out)
    console.print(household_overview(snapshot.data, snapshot.ledger, HOUSEHOLD))


if __name__ == "__main__":
    main()
