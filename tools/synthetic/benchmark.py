"""Cap-weighted benchmark weights that sum to exactly 1 once written.

Weights are kept as integers in units of 1e-10: every weight but the last is rounded down
and the last one takes the remainder, so the decimal strings in ``benchmark.csv`` add up to
exactly 1 (not merely within floating-point tolerance).
"""

from __future__ import annotations

import numpy as np

WEIGHT_DECIMALS = 10
WEIGHT_UNIT = 10**WEIGHT_DECIMALS


def cap_weight_units(caps: np.ndarray) -> np.ndarray:
    """(N,) int64 weights in 1e-10 units, proportional to ``caps``, summing to 10**10."""
    if len(caps) == 0 or np.any(caps <= 0):
        raise ValueError("benchmark caps must be positive and non-empty")
    units = np.floor(caps / caps.sum() * WEIGHT_UNIT).astype(np.int64)
    units[-1] = WEIGHT_UNIT - int(units[:-1].sum())
    return units


def format_weight(units: int) -> str:
    """Exact decimal text of a weight given in 1e-10 units (e.g. 123 -> '0.0000000123')."""
    whole, fraction = divmod(int(units), WEIGHT_UNIT)
    return f"{whole}.{fraction:0{WEIGHT_DECIMALS}d}"
