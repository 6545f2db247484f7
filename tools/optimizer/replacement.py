"""Which buys replace the exposure of each harvest sale.

The solve decides the buys jointly; this mapping, made after it, explains them: each harvested
security's sale value is matched greedily to the buys most correlated with it under the risk
model (same sector first among equals). A buy is never in the harvested security's identical
group (the trading sides forbid it), so no replacement is substantially identical
(IRC §1091(a)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import OptimizationInput


@dataclass(frozen=True)
class ReplacementLink:
    harvested: int  # security index of the harvest sale
    replacement: int  # security index of the buy
    value: float  # dollars of the buy attributed to this sale
    correlation: float


def correlations(inp: OptimizationInput, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """(len(rows), len(columns)) return correlations under the factor model."""
    b_rows, b_cols = inp.loadings[rows], inp.loadings[columns]
    covariance = b_rows @ inp.factor_cov @ b_cols.T
    covariance += np.where(rows[:, None] == columns[None, :], inp.specific_var[rows][:, None], 0)
    var_rows = np.einsum("ik,kl,il->i", b_rows, inp.factor_cov, b_rows) + inp.specific_var[rows]
    var_cols = np.einsum("ik,kl,il->i", b_cols, inp.factor_cov, b_cols) + inp.specific_var[columns]
    return covariance / np.sqrt(np.outer(var_rows, var_cols))


def match_replacements(
    inp: OptimizationInput, harvest_value: np.ndarray, bought_value: np.ndarray
) -> list[ReplacementLink]:
    """Greedy matching of harvest sale value (N,) to bought value (N,), largest sale first,
    each to its most correlated buys with positive correlation."""
    harvested = np.flatnonzero(harvest_value > 0)
    buys = np.flatnonzero(bought_value > 0)
    if harvested.size == 0 or buys.size == 0:
        return []
    rho = correlations(inp, harvested, buys)
    left = bought_value[buys].astype(float)
    sectors = np.array(inp.sectors, dtype=object) if inp.sectors else None
    links: list[ReplacementLink] = []
    for row in np.argsort(-harvest_value[harvested], kind="stable"):
        security = int(harvested[row])
        need = float(harvest_value[security])
        same_sector = (
            (sectors[buys] == sectors[security]).astype(float)
            if sectors is not None
            else np.zeros(buys.size)
        )
        order = np.lexsort((-same_sector, -rho[row]))
        for column in order:
            if need <= 0 or rho[row, column] <= 0:
                break
            if left[column] <= 0 or inp.wash_keys[buys[column]] == inp.wash_keys[security]:
                continue
            take = min(need, left[column])
            links.append(
                ReplacementLink(security, int(buys[column]), take, float(rho[row, column]))
            )
            left[column] -= take
            need -= take
    return links
