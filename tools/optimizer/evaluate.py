"""Exact figures of a whole-share trade plan, computed from the inputs alone.

Nothing here reads the solver's variables: the checks and the reported metrics must not
trust the optimization they are checking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import OptimizationInput


@dataclass(frozen=True, eq=False)
class TradePlan:
    """Whole-share trades of one account."""

    lot_sold: np.ndarray  # (L,) shares sold from each lot
    bought: np.ndarray  # (N,) shares bought of each security

    @classmethod
    def empty(cls, inp: OptimizationInput) -> TradePlan:
        return cls(np.zeros(inp.n_lots), np.zeros(inp.n_securities))

    def sold(self, inp: OptimizationInput) -> np.ndarray:
        """(N,) shares sold per security."""
        return np.bincount(inp.lot_security, self.lot_sold, minlength=inp.n_securities)


@dataclass(frozen=True, eq=False)
class PlanFigures:
    sold_value: np.ndarray  # (N,) dollars sold per security
    bought_value: np.ndarray  # (N,) dollars bought per security
    lot_gain: np.ndarray  # (L,) realized gain per lot, after any charged disallowance
    lot_disallowed: np.ndarray  # (L,) loss disallowed by a charged wash sale (IRC §1091(a))
    orders: int  # number of orders (one per security and side)
    spread_cost: float
    commission: float
    cash_after: float
    value_after: float  # holdings plus cash after trading and costs
    weights_after: np.ndarray  # (N,)
    realized_short: float  # net short-term gain (negative: loss), IRC §1222
    realized_long: float  # net long-term gain
    harvested_losses: float  # sum of realized losses, positive
    tax_value: float  # tax saved (negative: tax owed) this year under the input's terms
    te_before: float
    te_after: float
    turnover: float  # (dollars sold + bought) / 2 / account value before trading

    @property
    def realized_net(self) -> float:
        return self.realized_short + self.realized_long

    @property
    def cash_fraction(self) -> float:
        return self.cash_after / self.value_after


def tracking_error(inp: OptimizationInput, weights: np.ndarray) -> float:
    """Annualized ex-ante TE of ``weights`` against the benchmark, factor form:
    sqrt(a' B F B' a + a' diag(d) a) with a the active weights."""
    active = weights - inp.benchmark_weights
    exposure = inp.loadings.T @ active
    variance = float(exposure @ inp.factor_cov @ exposure + (inp.specific_var * active**2).sum())
    return float(np.sqrt(max(variance, 0.0)))


def te_gradient(inp: OptimizationInput, weights: np.ndarray) -> np.ndarray:
    """(N,) gradient of the TE variance with respect to the weights (2 Sigma a)."""
    active = weights - inp.benchmark_weights
    return 2.0 * (
        inp.loadings @ (inp.factor_cov @ (inp.loadings.T @ active)) + inp.specific_var * active
    )


def tax_value(inp: OptimizationInput, realized_short: float, realized_long: float) -> float:
    """Tax saved this year by realizing these net gains (negative when tax is owed).

    Each net figure is taxed at its term's rate (IRC §1(h)); when losses are only usable up
    to a cap this year (IRC §1211(b)), value past the cap carries forward (IRC §1212(b)) and
    counts at ``carryforward_value`` of its full value.
    """
    linear = -(inp.tax.short_rate * realized_short + inp.tax.long_rate * realized_long)
    cap = inp.tax.loss_value_cap_usd
    if cap is None:
        return linear
    carried = inp.tax.carryforward_value
    return min(linear, (1.0 - carried) * cap + carried * linear)


def evaluate(inp: OptimizationInput, plan: TradePlan) -> PlanFigures:
    prices = inp.prices
    sold_shares = plan.sold(inp)
    sold_value = sold_shares * prices
    bought_value = plan.bought * prices
    fraction = plan.lot_sold / inp.lot_quantity
    proceeds_per_lot = plan.lot_sold * prices[inp.lot_security]
    basis_sold = fraction * inp.lot_basis
    raw_gain = proceeds_per_lot - basis_sold
    charged = inp.tax.allow_charged_wash & (raw_gain < 0)
    lot_disallowed = np.where(
        charged, np.minimum(fraction * inp.lot_wash_disallowed, -raw_gain), 0.0
    )
    lot_gain = raw_gain + lot_disallowed
    orders = int((sold_shares > 0).sum() + (plan.bought > 0).sum())
    traded = float(sold_value.sum() + bought_value.sum())
    spread_cost = inp.trading.half_spread * traded
    commission = inp.trading.commission_per_trade * orders
    cash_after = inp.cash + float(sold_value.sum() - bought_value.sum()) - spread_cost - commission
    holdings_after = (inp.position_shares - sold_shares + plan.bought) * prices
    value_after = float(holdings_after.sum()) + cash_after
    weights_after = holdings_after / value_after
    long_mask = inp.lot_long_term.astype(bool)
    realized_short = float(lot_gain[~long_mask].sum())
    realized_long = float(lot_gain[long_mask].sum())
    return PlanFigures(
        sold_value=sold_value,
        bought_value=bought_value,
        lot_gain=lot_gain,
        lot_disallowed=lot_disallowed,
        orders=orders,
        spread_cost=spread_cost,
        commission=commission,
        cash_after=cash_after,
        value_after=value_after,
        weights_after=weights_after,
        realized_short=realized_short,
        realized_long=realized_long,
        harvested_losses=float(-lot_gain[lot_gain < 0].sum()),
        tax_value=tax_value(inp, realized_short, realized_long),
        te_before=tracking_error(inp, inp.weights),
        te_after=tracking_error(inp, weights_after),
        turnover=traded / 2.0 / inp.account_value,
    )
