"""The tax-aware rebalancing problem of one account, in cvxpy, compiled once per structure.

In the spirit of Moehle, Kochenderfer, Boyd and Ang, "Tax-Aware Portfolio Construction via
Convex Optimization" (JOTA 2021). Units are fractions of the account value V.

Variables
    sold      (L)  fraction of each lot sold, in [0, lot_max] (one empty column if L = 0)
    buy       (N)  weight bought per security, in [0, buy_max]
    sell      (N)  weight sold per security (defined by an equality)
    active    (N)  post-trade weight minus benchmark weight
    factor    (K)  G @ active, the factor part of the tracking error

Objective (maximized)
    tax value        losses at their term's rate minus gains at theirs (capped when losses
                     are only usable up to a limit this year: min(linear value, cap))
  - trading cost     half-spread on every dollar traded plus the commission's convex
                     envelope (fixed cost per order / largest possible order)
  - TE penalty       aversion x (||factor||^2 + ||sqrt(d) * active||^2)
  - restriction      penalty per unit weight left in excluded securities
  - tilt penalties   |tilt exposure - target| for penalized tilts
  + transition       reward per dollar sold of a concentrated position

Hard constraints: TE <= budget (second-order cone), cash band, turnover, net realized gain
within the year's remaining budget, hard tilts, the transition's minimum sale, and the bounds
(restrictions, wash-sale modes) carried by ``lot_max`` and ``buy_max``.

Every daily-changing number is a Parameter and every Parameter enters affinely or multiplies a
parameter-free expression, so the problem is DPP: a re-solve only re-applies parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from tools.optimizer.structure import Structure

# Scalar constraints reported with their slack and dual when they bind.
LIMIT_CONSTRAINTS = ("te_budget", "cash_min", "cash_max", "turnover", "gains_budget",
                     "loss_value_cap", "transition_min")


@dataclass
class CompiledProblem:
    """Variables, parameters and named constraints of one structure's problem."""

    structure: Structure
    params: dict[str, cp.Parameter]
    sold: cp.Variable
    buy: cp.Variable
    sell: cp.Variable
    active: cp.Variable
    factor: cp.Variable
    constraints: dict[str, cp.Constraint]
    objective_terms: dict[str, cp.Expression]
    problem: cp.Problem
    derived: dict[str, cp.Problem] = field(default_factory=dict)  # min-TE, elastic

    def assign(self, values: Mapping[str, np.ndarray | float]) -> None:
        """Load parameter values (every parameter must be given)."""
        missing = set(self.params) - set(values)
        if missing:
            raise KeyError(f"parameter values missing: {sorted(missing)}")
        for name, param in self.params.items():
            param.value = values[name]

    def tracking_error(self) -> cp.Expression:
        """Annualized ex-ante TE of the post-trade weights."""
        return cp.norm(self._risk_stack())

    def tracking_variance(self) -> cp.Expression:
        return cp.sum_squares(self.factor) + cp.sum_squares(
            cp.multiply(self.structure.specific_vol, self.active)
        )

    def _risk_stack(self) -> cp.Expression:
        return cp.hstack([self.factor, cp.multiply(self.structure.specific_vol, self.active)])

    def min_te_problem(self) -> cp.Problem:
        """The lowest TE under every other hard rule (used to diagnose infeasibility)."""
        if "min_te" not in self.derived:
            kept = [c for name, c in self.constraints.items()
                    if name not in ("te_budget", "tax_value", "loss_value_cap")]
            self.derived["min_te"] = cp.Problem(cp.Minimize(self.tracking_variance()), kept)
        return self.derived["min_te"]


def _parameters(structure: Structure) -> dict[str, cp.Parameter]:
    n, lots, tilts = structure.n_securities, structure.n_columns, len(structure.hard_tilts)
    vectors = {
        "price_over_value": (n, True),  # p / V
        "short_tax_price": (n, True),  # short rate x p / V
        "long_tax_price": (n, True),  # long rate x p / V
        "active_start": (n, False),  # w0 - w_benchmark
        "lot_max": (lots, True),
        "buy_max": (n, True),
        "exclusion_penalty": (n, True),
    }
    scalars = {
        "inverse_value": True,  # 1 / V
        "short_rate_over_value": True,
        "long_rate_over_value": True,
        "cash_start": True,  # cash / V
        "half_spread": True,
        "sell_commission": True,  # commission / V per unit of position fraction
        "buy_commission": True,  # commission / (V x largest buy weight)
        "cash_min": False,
        "cash_max": False,
        "turnover_max": True,
        "gains_room": True,  # remaining net gain budget / V
        "te_budget": True,
        "te_aversion": True,
    }
    params = {name: cp.Parameter(size, name=name, nonneg=nonneg)
              for name, (size, nonneg) in vectors.items()}
    params |= {name: cp.Parameter(name=name, nonneg=nonneg) for name, nonneg in scalars.items()}
    if tilts:
        params["tilt_target"] = cp.Parameter(tilts, name="tilt_target")
        params["tilt_tolerance"] = cp.Parameter(tilts, name="tilt_tolerance", nonneg=True)
        params["tilt_penalty"] = cp.Parameter(tilts, name="tilt_penalty", nonneg=True)
    if structure.capped:
        params["loss_value_cap"] = cp.Parameter(name="loss_value_cap", nonneg=True)
    if structure.has_transition:
        params["transition_min_shares"] = cp.Parameter(n, name="transition_min_shares",
                                                       nonneg=True)
        params["transition_reward"] = cp.Parameter(n, name="transition_reward", nonneg=True)
    return params


def compile_problem(structure: Structure) -> CompiledProblem:
    """Build the cvxpy problem for ``structure`` (compiled by the first solve)."""
    n, lots, k = structure.n_securities, structure.n_columns, structure.n_factors
    p = _parameters(structure)
    sold = cp.Variable(lots, name="sold", nonneg=True)
    buy = cp.Variable(n, name="buy", nonneg=True)
    sell = cp.Variable(n, name="sell")
    active = cp.Variable(n, name="active")
    factor = cp.Variable(k, name="factor")

    sold_shares = structure.lot_shares @ sold
    traded = cp.sum(sell) + cp.sum(buy)
    cost = (p["half_spread"] * traded
            + p["sell_commission"] * (structure.position_fraction @ sold)
            + p["buy_commission"] * cp.sum(buy))
    cash_after = p["cash_start"] + cp.sum(sell) - cp.sum(buy) - cost
    realized = cp.sum(sell) - p["inverse_value"] * (structure.effective_basis @ sold)
    # Per-lot tax value: each lot's gain at its own term's rate (IRC §1(h), §1222).
    linear_tax_value = -(
        p["short_tax_price"] @ (structure.short_lot_shares @ sold)
        + p["long_tax_price"] @ (structure.long_lot_shares @ sold)
        - p["short_rate_over_value"] * (structure.short_basis @ sold)
        - p["long_rate_over_value"] * (structure.long_basis @ sold)
    )
    risk_stack = cp.hstack([factor, cp.multiply(structure.specific_vol, active)])

    constraints: dict[str, cp.Constraint] = {
        "sell_value": sell == cp.multiply(p["price_over_value"], sold_shares),
        "active": active == p["active_start"] - sell + buy,
        "factor": factor == structure.factor_exposure @ active,
        "lot_max": sold <= p["lot_max"],
        "buy_max": buy <= p["buy_max"],
        "cash_min": cash_after >= p["cash_min"],
        "cash_max": cash_after <= p["cash_max"],
        "turnover": traded / 2 <= p["turnover_max"],
        "gains_budget": realized <= p["gains_room"],
        "te_budget": cp.SOC(p["te_budget"], risk_stack),
    }
    tax_value: cp.Expression = linear_tax_value
    if structure.capped:
        # Concave piecewise-linear value: losses count until this year's usable amount is
        # reached (IRC §1211(b) cap plus gains to offset); the rest carries forward (§1212(b)).
        capped_value = cp.Variable(name="tax_value")
        constraints["tax_value"] = capped_value <= linear_tax_value
        constraints["loss_value_cap"] = capped_value <= p["loss_value_cap"]
        tax_value = capped_value
    hard = np.flatnonzero(structure.hard_tilts)
    if hard.size:
        gap = structure.tilt_exposures[hard] @ active - p["tilt_target"][hard]
        constraints["tilt_upper"] = gap <= p["tilt_tolerance"][hard]
        constraints["tilt_lower"] = -gap <= p["tilt_tolerance"][hard]
    terms: dict[str, cp.Expression] = {
        "tax_value": tax_value,
        "trading_cost": cost,
        "te_penalty": p["te_aversion"] * (cp.sum_squares(factor) + cp.sum_squares(
            cp.multiply(structure.specific_vol, active))),
        "restriction_penalty": p["exclusion_penalty"] @ active,
    }
    if structure.tilt_exposures.shape[0]:
        terms["tilt_penalty"] = p["tilt_penalty"] @ cp.abs(
            structure.tilt_exposures @ active - p["tilt_target"])
    if structure.has_transition:
        constraints["transition_min"] = sold_shares >= p["transition_min_shares"]
        terms["transition_reward"] = p["transition_reward"] @ sold_shares
    objective = (terms["tax_value"] - terms["trading_cost"] - terms["te_penalty"]
                 - terms["restriction_penalty"] - terms.get("tilt_penalty", 0)
                 + terms.get("transition_reward", 0))
    problem = cp.Problem(cp.Maximize(objective), list(constraints.values()))
    return CompiledProblem(structure, p, sold, buy, sell, active, factor, constraints, terms,
                           problem)
