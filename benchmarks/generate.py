"""Synthetic data generation time: the sample household alone, then 100 and 1,000 more.

    python -m benchmarks.generate

For each size it builds the data set in memory (universe, factor-model market, households),
writes the data directory into a temporary folder, and prints the seconds of each step, the
transaction rows and the size of every file. Deterministic (seed 7): only the timings vary.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tools.synthetic import OUTPUT_FILES, build_dataset
from tools.synthetic.writer import write_data_dir

SEED = 7
HOUSEHOLD_COUNTS = (0, 100, 1_000)


def main() -> None:
    print(f"machine: {os.cpu_count()} cores; seed {SEED}")
    header = f"{'households':>10}  {'build s':>7}  {'write s':>7}  {'total s':>7}  {'rows':>9}"
    print(header + "".join(f"  {name:>16}" for name in OUTPUT_FILES), flush=True)
    with tempfile.TemporaryDirectory(prefix="lotwise-generate-bench-") as scratch:
        for households in HOUSEHOLD_COUNTS:
            started = time.perf_counter()
            dataset = build_dataset(seed=SEED, households=households)
            built = time.perf_counter()
            sizes = write_data_dir(dataset, Path(scratch) / f"hh{households}")
            written = time.perf_counter()
            cells = "".join(f"  {sizes[name] / 1e3:>13,.1f} kB" for name in OUTPUT_FILES)
            print(
                f"{households:>10,}  {built - started:>7.2f}  {written - built:>7.2f}  "
                f"{written - started:>7.2f}  {len(dataset.transactions):>9,}{cells}",
                flush=True,
            )


if __name__ == "__main__":
    main()
