"""Typed inputs of one account's optimization: plain arrays per lot and per security.

The optimizer core reads only this module's classes, so it can be built and tested on
synthetic instances; :mod:`tools.optimizer.build` fills them from a data directory.
Per-security arrays are aligned with ``symbols`` (N), per-lot arrays with ``lot_ids`` (L),
factor arrays with the risk model's factors (K).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from tools.optimizer.errors import InvalidOptimizationInputError

WEIGHT_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class TaxTerms:
    """What realized gains cost and losses are worth to this household this year."""

    short_rate: float  # combined marginal rate on short-term gains (IRC §1(a) + state + §1411)
    long_rate: float  # combined marginal rate on long-term gains (IRC §1(h) + state + §1411)
    gains_room_usd: float  # net realized gain still allowed this year (budget - YTD net)
    # Tax value this year's new net losses can still earn: offsetting YTD gains plus the
    # IRC §1211(b) ordinary-income cap; the rest is carried forward (IRC §1212(b)) and earns
    # nothing this year. ``None``: losses always offset gains elsewhere (unlimited usage).
    loss_value_cap_usd: float | None = None
    # Value today, per dollar of full tax value, of losses beyond that cap: they carry forward
    # (IRC §1212(b)) and offset later gains or income, later. 0 values them at nothing.
    carryforward_value: float = 0.0
    # Sell a loss lot the ledger says would be washed, charging the disallowed loss (IRC
    # §1091(a)) in the objective; when False such lots are not sold at all.
    allow_charged_wash: bool = False


@dataclass(frozen=True)
class TradingTerms:
    """Limits and costs of trading in this account."""

    te_budget: float  # annualized ex-ante tracking error limit (0.01 = 1%)
    max_turnover: float  # one-way turnover limit, (buys + sells) / 2 / account value
    min_trade_usd: float  # smaller orders are dropped after rounding
    cash_min_fraction: float  # post-trade cash band, fractions of account value
    cash_max_fraction: float
    commission_per_trade: float = 0.0  # dollars per order
    spread_bps: float = 0.0  # quoted bid-ask spread; half of it is paid on every dollar traded
    # Objective penalty per unit of annualized TE variance (account-value units): breaks ties
    # towards tracking, small enough not to churn. The TE budget itself is a hard limit.
    te_aversion: float = 1.0
    # Objective penalty per unit weight still held in an excluded security after trading.
    # Above any tax rate, so excluded holdings are sold as far as the other rules allow.
    exclusion_penalty: float = 1.0

    @property
    def half_spread(self) -> float:
        """Cost per dollar traded: crossing half the quoted spread."""
        return self.spread_bps / 2.0 / 10_000.0


@dataclass(frozen=True)
class HarvestTerms:
    """Policy thresholds a loss must clear, net of costs, to be harvested."""

    min_loss_usd: float
    min_loss_pct: float  # of the lot's cost basis


@dataclass(frozen=True, eq=False)
class Tilt:
    """A linear exposure of the active weights held near a target (factor or ESG tilt)."""

    name: str
    exposures: np.ndarray  # (N,) exposure of each security (factor loading, ESG score)
    target: float  # wanted exposure of the active weights: exposures @ (w - w_benchmark)
    tolerance: float | None = None  # hard limit |exposure - target| <= tolerance when given
    penalty: float = 0.0  # objective penalty per unit of |exposure - target|


@dataclass(frozen=True)
class TransitionStep:
    """Today's step of a concentrated-position transition."""

    security: int  # index into ``symbols`` of the concentrated position
    min_shares: float  # shares that must be sold today (this year's scheduled amount)
    max_shares: float  # shares that may be sold today at most (down to the target weight)
    reward_per_dollar: float  # objective reward per dollar sold, so spare gains room is used


@dataclass(frozen=True, eq=False)
class OptimizationInput:
    """Everything the optimizer needs about one managed account on one day.

    Treat it as immutable (``dataclasses.replace`` for a changed copy): the derived figures
    (values, weights, gains) are computed once and cached.
    """

    account_id: str
    as_of: dt.date
    symbols: tuple[str, ...]  # (N,) investable universe: benchmark names and holdings
    wash_keys: tuple[str, ...]  # (N,) "substantially identical" key per security (IRC §1091)
    prices: np.ndarray  # (N,) close per share, > 0
    benchmark_weights: np.ndarray  # (N,) sums to 1
    cash: float  # dollars in the account (negative when overdrawn: the cash band then sells)
    # (L,) open lot parts of the account; a lot the ledger holds as several parts (shares
    # that absorbed a wash-sale loss, tacked dates) repeats its id, parts in share order.
    lot_ids: tuple[str, ...]
    lot_security: np.ndarray  # (L,) int index into ``symbols``
    lot_quantity: np.ndarray  # (L,) shares, > 0
    lot_basis: np.ndarray  # (L,) total cost basis in dollars, incl. wash-sale adjustments
    lot_long_term: np.ndarray  # (L,) bool: long-term if sold on ``as_of`` (IRC §1222)
    lot_wash_disallowed: np.ndarray  # (L,) loss disallowed if the lot is sold today; 0 = safe
    loadings: np.ndarray  # (N, K) factor exposures
    factor_cov: np.ndarray  # (K, K) annualized factor covariance
    specific_var: np.ndarray  # (N,) annualized specific variance
    excluded: np.ndarray  # (N,) bool: restriction "exclude" (never hold)
    no_buy: np.ndarray  # (N,) bool: restriction "no_buy"
    no_sell: np.ndarray  # (N,) bool: restriction "no_sell"
    wash_blocked: np.ndarray  # (N,) bool: a buy today would wash a recent loss (IRC §1091(a))
    tax: TaxTerms
    trading: TradingTerms
    harvest: HarvestTerms
    tilts: tuple[Tilt, ...] = ()
    transition: TransitionStep | None = None
    sectors: tuple[str, ...] = field(default=())  # (N,) or empty: tie-break for replacements
    lot_acquired: tuple[dt.date, ...] = ()  # (L,) or empty: holding-period start of each lot

    def __post_init__(self) -> None:
        problems = _shape_problems(self) or _value_problems(self)
        if problems:
            raise InvalidOptimizationInputError(problems)

    @property
    def n_securities(self) -> int:
        return len(self.symbols)

    @property
    def n_lots(self) -> int:
        return len(self.lot_ids)

    @property
    def n_factors(self) -> int:
        return int(self.factor_cov.shape[0])

    @cached_property
    def lot_value(self) -> np.ndarray:
        """(L,) market value of each lot."""
        return self.lot_quantity * self.prices[self.lot_security]

    @cached_property
    def position_shares(self) -> np.ndarray:
        """(N,) shares held per security."""
        return np.bincount(self.lot_security, self.lot_quantity, minlength=self.n_securities)

    @cached_property
    def holdings_value(self) -> np.ndarray:
        """(N,) market value held per security."""
        return self.position_shares * self.prices

    @cached_property
    def account_value(self) -> float:
        return float(self.holdings_value.sum() + self.cash)

    @cached_property
    def weights(self) -> np.ndarray:
        """(N,) current weights, fractions of account value (cash is the remainder)."""
        return self.holdings_value / self.account_value

    @cached_property
    def lot_gain(self) -> np.ndarray:
        """(L,) unrealized gain (negative: loss) of each whole lot at today's price."""
        return self.lot_value - self.lot_basis

    @cached_property
    def lot_rate(self) -> np.ndarray:
        """(L,) tax rate that applies to each lot's realized gain or loss."""
        return np.where(self.lot_long_term, self.tax.long_rate, self.tax.short_rate)

    @cached_property
    def buy_forbidden(self) -> np.ndarray:
        """(N,) bool: no rule allows buying this security today."""
        return self.excluded | self.no_buy | self.wash_blocked


def _shape_problems(inp: OptimizationInput) -> list[str]:
    n, lots = len(inp.symbols), len(inp.lot_ids)
    k = int(np.shape(inp.factor_cov)[0]) if np.ndim(inp.factor_cov) == 2 else -1
    expected = {
        "wash_keys": (len(inp.wash_keys),),
        "prices": np.shape(inp.prices),
        "benchmark_weights": np.shape(inp.benchmark_weights),
        "specific_var": np.shape(inp.specific_var),
        "excluded": np.shape(inp.excluded),
        "no_buy": np.shape(inp.no_buy),
        "no_sell": np.shape(inp.no_sell),
        "wash_blocked": np.shape(inp.wash_blocked),
    }
    problems = [
        f"{name} has shape {shape}, expected ({n},)"
        for name, shape in expected.items()
        if shape != (n,)
    ]
    for name in (
        "lot_security",
        "lot_quantity",
        "lot_basis",
        "lot_long_term",
        "lot_wash_disallowed",
    ):
        shape = np.shape(getattr(inp, name))
        if shape != (lots,):
            problems.append(f"{name} has shape {shape}, expected ({lots},)")
    if np.shape(inp.factor_cov) != (k, k):
        problems.append(f"factor_cov has shape {np.shape(inp.factor_cov)}, expected square")
    if np.shape(inp.loadings) != (n, k):
        problems.append(f"loadings has shape {np.shape(inp.loadings)}, expected ({n}, {k})")
    if inp.sectors and len(inp.sectors) != n:
        problems.append(f"sectors has {len(inp.sectors)} entries, expected {n}")
    if inp.lot_acquired and len(inp.lot_acquired) != lots:
        problems.append(f"lot_acquired has {len(inp.lot_acquired)} entries, expected {lots}")
    problems += [
        f"tilt {t.name} exposures have shape {np.shape(t.exposures)}, expected ({n},)"
        for t in inp.tilts
        if np.shape(t.exposures) != (n,)
    ]
    if len(set(inp.symbols)) != n:
        problems.append("symbols must be unique")
    return problems


def _value_problems(inp: OptimizationInput) -> list[str]:
    problems: list[str] = []
    numeric = {
        "prices": inp.prices,
        "benchmark_weights": inp.benchmark_weights,
        "lot_quantity": inp.lot_quantity,
        "lot_basis": inp.lot_basis,
        "lot_wash_disallowed": inp.lot_wash_disallowed,
        "loadings": inp.loadings,
        "factor_cov": inp.factor_cov,
        "specific_var": inp.specific_var,
    }
    problems += [
        f"{name} must be finite"
        for name, values in numeric.items()
        if not np.isfinite(np.asarray(values, dtype=float)).all()
    ]
    if problems:
        return problems
    positive = {"prices": inp.prices, "lot_quantity": inp.lot_quantity}
    problems += [
        f"{name} must be positive"
        for name, values in positive.items()
        if (np.asarray(values) <= 0).any()
    ]
    not_negative = {
        "benchmark_weights": inp.benchmark_weights,
        "lot_basis": inp.lot_basis,
        "lot_wash_disallowed": inp.lot_wash_disallowed,
        "specific_var": inp.specific_var,
    }
    problems += [
        f"{name} must not be negative"
        for name, values in not_negative.items()
        if (np.asarray(values) < 0).any()
    ]
    if abs(float(np.sum(inp.benchmark_weights)) - 1.0) > WEIGHT_SUM_TOLERANCE:
        problems.append(f"benchmark_weights sum to {np.sum(inp.benchmark_weights):.6f}, not 1")
    if inp.lot_ids and (
        not np.issubdtype(np.asarray(inp.lot_security).dtype, np.integer)
        or inp.lot_security.min() < 0
        or inp.lot_security.max() >= len(inp.symbols)
    ):
        problems.append("lot_security must hold integer indices into symbols")
    elif len(
        {(lot_id, int(s)) for lot_id, s in zip(inp.lot_ids, inp.lot_security, strict=True)}
    ) != len(set(inp.lot_ids)):
        problems.append("parts sharing a lot_id must be parts of one security")
    if not np.isfinite(inp.cash):
        problems.append("cash must be a finite amount")
    if np.linalg.eigvalsh(np.asarray(inp.factor_cov, dtype=float)).min(initial=0.0) < -1e-10:
        problems.append("factor_cov must be positive semidefinite")
    problems += _terms_problems(inp)
    if not problems and inp.account_value <= 0:
        problems.append("the account holds nothing: account value must be positive")
    return problems


def _terms_problems(inp: OptimizationInput) -> list[str]:
    problems: list[str] = []
    tax, trading = inp.tax, inp.trading
    if not (0 <= tax.long_rate < 1 and 0 <= tax.short_rate < 1):
        problems.append("tax rates must be in [0, 1)")
    if tax.loss_value_cap_usd is not None and tax.loss_value_cap_usd < 0:
        problems.append("loss_value_cap_usd must not be negative")
    if trading.te_budget <= 0:
        problems.append("te_budget must be positive")
    if trading.max_turnover <= 0:
        problems.append("max_turnover must be positive")
    if not 0 <= trading.cash_min_fraction <= trading.cash_max_fraction <= 1:
        problems.append("cash band must satisfy 0 <= min <= max <= 1")
    negative = {
        "min_trade_usd": trading.min_trade_usd,
        "commission_per_trade": trading.commission_per_trade,
        "spread_bps": trading.spread_bps,
        "te_aversion": trading.te_aversion,
        "exclusion_penalty": trading.exclusion_penalty,
        "min_loss_usd": inp.harvest.min_loss_usd,
        "min_loss_pct": inp.harvest.min_loss_pct,
    }
    problems += [f"{name} must not be negative" for name, value in negative.items() if value < 0]
    for tilt in inp.tilts:
        if tilt.tolerance is None and tilt.penalty <= 0:
            problems.append(f"tilt {tilt.name} needs a tolerance or a positive penalty")
        if (tilt.tolerance is not None and tilt.tolerance < 0) or tilt.penalty < 0:
            problems.append(f"tilt {tilt.name}: tolerance and penalty must not be negative")
    step = inp.transition
    if step is not None and not (
        0 <= step.security < len(inp.symbols)
        and 0 <= step.min_shares <= step.max_shares
        and step.reward_per_dollar >= 0
    ):
        problems.append(
            "transition step needs a valid security, 0 <= min_shares <= max_shares and reward >= 0"
        )
    return problems
