"""Seeded synthetic optimizer inputs: a direct-indexed account tracking a cap-weighted index.

Used by the optimizer's tests and benchmark to exercise the core without a data directory.
Same arguments, same instance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import (
    HarvestTerms,
    OptimizationInput,
    TaxTerms,
    TradingTerms,
)

AS_OF = dt.date(2024, 6, 28)


@dataclass(frozen=True)
class SyntheticSpec:
    n_securities: int = 500
    n_lots: int = 5000
    n_factors: int = 15
    account_value: float = 10_000_000.0
    cash_fraction: float = 0.01
    drift: float = 0.2  # lognormal spread of holdings around benchmark weights
    basis_spread: float = 0.25  # lognormal spread of cost basis around the price
    identical_pairs: int = 5  # security pairs sharing an identical_group
    excluded: int = 2
    no_buy: int = 2
    no_sell: int = 1
    wash_blocked: int = 3
    washed_lots: int = 5  # loss lots the ledger would wash if sold today
    te_budget: float = 0.01
    seed: int = 0


def synthetic_input(spec: SyntheticSpec | None = None, **overrides: object) -> OptimizationInput:
    """A reproducible account; keyword ``overrides`` replace fields of the default spec."""
    base = spec or SyntheticSpec()
    chosen = SyntheticSpec(**{**base.__dict__, **overrides})
    rng = np.random.default_rng(chosen.seed)
    n, k = chosen.n_securities, chosen.n_factors
    symbols = tuple(f"S{i:04d}" for i in range(n))
    wash_keys = [f"symbol:{s}" for s in symbols]
    for pair in range(min(chosen.identical_pairs, n // 2)):
        wash_keys[2 * pair] = wash_keys[2 * pair + 1] = f"group:G{pair}"
    prices = np.exp(rng.normal(np.log(80.0), 0.8, n))
    caps = np.exp(rng.normal(0.0, 1.2, n))
    benchmark = caps / caps.sum()
    loadings, factor_cov, specific_var = _risk_model(rng, n, k)

    invested = chosen.account_value * (1.0 - chosen.cash_fraction)
    tilt = np.exp(rng.normal(0.0, chosen.drift, n))
    target_value = benchmark * tilt / (benchmark * tilt).sum() * invested
    owner = _lot_owners(rng, benchmark, chosen.n_lots, n)
    share_of_position = rng.uniform(0.2, 1.0, chosen.n_lots)
    totals = np.bincount(owner, share_of_position, minlength=n)
    lot_value = target_value[owner] * share_of_position / totals[owner]
    quantity = np.maximum(np.round(lot_value / prices[owner], 3), 0.001)
    basis_per_share = prices[owner] * np.exp(rng.normal(-0.05, chosen.basis_spread, chosen.n_lots))
    held_days = rng.integers(5, 5 * 365, chosen.n_lots)
    loss = quantity * (basis_per_share - prices[owner])
    disallowed = np.zeros(chosen.n_lots)
    loss_lots = np.flatnonzero(loss > 0)
    washed = rng.choice(loss_lots, size=min(chosen.washed_lots, loss_lots.size), replace=False)
    disallowed[washed] = 0.5 * loss[washed]

    def flags(count: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        mask[rng.choice(n, size=min(count, n), replace=False)] = True
        return mask

    return OptimizationInput(
        account_id="ACC-SYN",
        as_of=AS_OF,
        symbols=symbols,
        wash_keys=tuple(wash_keys),
        prices=prices,
        benchmark_weights=benchmark,
        cash=chosen.account_value * chosen.cash_fraction,
        lot_ids=tuple(f"L{i:06d}" for i in range(chosen.n_lots)),
        lot_security=owner,
        lot_quantity=quantity,
        lot_basis=quantity * basis_per_share,
        lot_long_term=held_days > 365,
        lot_wash_disallowed=disallowed,
        loadings=loadings,
        factor_cov=factor_cov,
        specific_var=specific_var,
        excluded=flags(chosen.excluded),
        no_buy=flags(chosen.no_buy),
        no_sell=flags(chosen.no_sell),
        wash_blocked=flags(chosen.wash_blocked),
        tax=TaxTerms(short_rate=0.458, long_rate=0.288, gains_room_usd=50_000.0),
        trading=TradingTerms(
            te_budget=chosen.te_budget,
            max_turnover=0.25,
            min_trade_usd=100.0,
            cash_min_fraction=0.0,
            cash_max_fraction=0.02,
            spread_bps=5.0,
        ),
        harvest=HarvestTerms(min_loss_usd=250.0, min_loss_pct=0.05),
    )


def _risk_model(
    rng: np.random.Generator, n: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Market factor (16% vol) plus style factors (3-6% vol), 15-35% specific vol."""
    factor_vol = np.concatenate([[0.16], rng.uniform(0.03, 0.06, k - 1)])
    loadings = rng.normal(0.0, 1.0, (n, k))
    loadings[:, 0] = rng.normal(1.0, 0.25, n)
    specific_var = rng.uniform(0.15, 0.35, n) ** 2
    return loadings, np.diag(factor_vol**2), specific_var


def _lot_owners(rng: np.random.Generator, benchmark: np.ndarray, n_lots: int, n: int) -> np.ndarray:
    """Security of each lot: every security held at least once when lots allow, the rest of
    the lots spread in proportion to benchmark weight (big names have more lots)."""
    first = rng.permutation(n)[: min(n, n_lots)]
    extra = rng.choice(n, size=n_lots - first.size, p=np.sqrt(benchmark) / np.sqrt(benchmark).sum())
    return np.sort(np.concatenate([first, extra])).astype(np.intp)
