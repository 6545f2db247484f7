"""Synthetic market and sample households: ``lotwise data generate``.

``generate_data_dir`` writes a complete portfolio data directory (docs/CONTRACTS.md §1):
a fictional 500-company universe, five years of factor-model prices with dividends and a
split, cap-weighted benchmark weights, the sample household "rivera" and optionally more
households for fleet runs. Same seed, same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from tools.synthetic.build import SyntheticDataset, build_dataset
from tools.synthetic.calendar import DEFAULT_AS_OF
from tools.synthetic.writer import OUTPUT_FILES, existing_outputs, write_data_dir

__all__ = [
    "DEFAULT_AS_OF",
    "OUTPUT_FILES",
    "GenerationSummary",
    "SyntheticDataset",
    "build_dataset",
    "existing_outputs",
    "generate_data_dir",
]


class GenerationSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    out: str
    seed: int
    as_of: dt.date  # the last price date
    first_price_date: dt.date
    securities: int
    trading_days: int
    households: int
    accounts: int
    transactions: int
    pending: int
    restrictions: int
    files: dict[str, int]  # file name -> bytes


def generate_data_dir(
    out: Path,
    seed: int = 7,
    households: int = 0,
    as_of: dt.date | None = None,
    overwrite: bool = False,
) -> GenerationSummary:
    """Write the synthetic data directory into ``out`` and describe what was written.

    ``households`` fleet households (``hh-0001`` ...) are added to the sample household;
    ``as_of`` ends the price history (default 2026-11-20). Existing data files in ``out``
    are replaced only with ``overwrite`` (other files there are never touched).
    """
    dataset = build_dataset(seed=seed, households=households, as_of=as_of)
    sizes = write_data_dir(dataset, out, overwrite=overwrite)
    return GenerationSummary(
        out=str(out),
        seed=seed,
        as_of=dataset.as_of,
        first_price_date=dataset.panel.dates[0].date(),
        securities=dataset.universe.size,
        trading_days=len(dataset.panel.dates),
        households=len(dataset.households),
        accounts=len(dataset.accounts),
        transactions=len(dataset.transactions),
        pending=sum(len(h.pending) for h in dataset.households),
        restrictions=sum(len(h.restrictions) for h in dataset.households),
        files=sizes,
    )
