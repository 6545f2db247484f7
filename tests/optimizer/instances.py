"""Small hand-sized optimizer inputs for the tests.

``make_input`` fills every array from a few lists; unspecified restrictions are off, the risk
model is one market factor plus specific risk, and the policy terms are the defaults'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import (
    HarvestTerms,
    OptimizationInput,
    TaxTerms,
    TradingTerms,
)

AS_OF = dt.date(2024, 6, 28)
SHORT_RATE = 0.458
LONG_RATE = 0.288


@dataclass(frozen=True)
class LotSpec:
    security: int
    quantity: float
    basis_per_share: float
    long_term: bool = True
    disallowed: float = 0.0  # loss a sale today would have washed


def make_input(
    *,
    prices: Sequence[float],
    benchmark: Sequence[float],
    lots: Sequence[LotSpec],
    cash: float,
    betas: Sequence[float] | None = None,
    specific_vol: Sequence[float] | None = None,
    wash_keys: Sequence[str] | None = None,
    excluded: Sequence[int] = (),
    no_buy: Sequence[int] = (),
    no_sell: Sequence[int] = (),
    wash_blocked: Sequence[int] = (),
    tax: TaxTerms | None = None,
    trading: TradingTerms | None = None,
    harvest: HarvestTerms | None = None,
) -> OptimizationInput:
    n = len(prices)

    def mask(indices: Sequence[int]) -> np.ndarray:
        flags = np.zeros(n, dtype=bool)
        flags[list(indices)] = True
        return flags

    market_vol = 0.16
    beta = np.asarray(betas if betas is not None else np.ones(n), dtype=float)
    vol = np.asarray(specific_vol if specific_vol is not None else np.full(n, 0.25), dtype=float)
    return OptimizationInput(
        account_id="ACC",
        as_of=AS_OF,
        symbols=tuple(f"S{i}" for i in range(n)),
        wash_keys=tuple(wash_keys)
        if wash_keys is not None
        else tuple(f"symbol:S{i}" for i in range(n)),
        prices=np.asarray(prices, dtype=float),
        benchmark_weights=np.asarray(benchmark, dtype=float),
        cash=cash,
        lot_ids=tuple(f"L{j}" for j in range(len(lots))),
        lot_security=np.array([lot.security for lot in lots], dtype=np.intp),
        lot_quantity=np.array([lot.quantity for lot in lots], dtype=float),
        lot_basis=np.array([lot.quantity * lot.basis_per_share for lot in lots], dtype=float),
        lot_long_term=np.array([lot.long_term for lot in lots], dtype=bool),
        lot_wash_disallowed=np.array([lot.disallowed for lot in lots], dtype=float),
        loadings=beta.reshape(n, 1),
        factor_cov=np.array([[market_vol**2]]),
        specific_var=vol**2,
        excluded=mask(excluded),
        no_buy=mask(no_buy),
        no_sell=mask(no_sell),
        wash_blocked=mask(wash_blocked),
        tax=tax or TaxTerms(short_rate=SHORT_RATE, long_rate=LONG_RATE, gains_room_usd=50_000.0),
        trading=trading
        or TradingTerms(
            te_budget=0.05,
            max_turnover=0.5,
            min_trade_usd=0.0,
            cash_min_fraction=0.0,
            cash_max_fraction=0.02,
            spread_bps=5.0,
        ),
        harvest=harvest or HarvestTerms(min_loss_usd=0.0, min_loss_pct=0.0),
    )


def with_trading(inp: OptimizationInput, **changes: object) -> OptimizationInput:
    return dataclasses.replace(inp, trading=dataclasses.replace(inp.trading, **changes))


def with_tax(inp: OptimizationInput, **changes: object) -> OptimizationInput:
    return dataclasses.replace(inp, tax=dataclasses.replace(inp.tax, **changes))
