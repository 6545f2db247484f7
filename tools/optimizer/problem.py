"""The tax-aware rebalancing problem of one account, in cvxpy, compiled once per structure.

In the spirit of Moehle, Kochenderfer, Boyd and Ang, "Tax-Aware Portfolio Construction via
Convex Optimization" (JOTA 2021). Units are fractions of the account value V.

Variables
    sold            (L)  fraction of each lot sold, in [0, lot_cap]
    buy             (N)  weight bought per security
    sell            (N)  weight sold per security (defined by an equality)
    factor          (K)  G @ active, the factor part of the tracking error
    realized_short  ()   net short-term gain realized, fraction of V (IRC §1222(5)-(6))
    realized_long   ()   net long-term gain realized (IRC §1222(7)-(8))
where active = (w0 - w_benchmark) - sell + buy are the post-trade active weights.

Objective (maximized)
    tax value        - short rate x realized_short - long rate x realized_long (losses earn
                     their term's rate); when losses are only usable up to a limit this year,
                     min(that, cap): concave and piecewise linear
  - trading cost     half-spread on every dollar traded plus the commission's convex envelope
                     (fixed cost per order / largest possible order)
  - TE penalty       aversion x (||factor||^2 + ||sqrt(d) * active||^2)
  - restriction      penalty per unit weight left in excluded securities
  - tilt penalties   |tilt exposure - target| for penalized tilts
  + transition       reward per dollar sold of a concentrated position

Hard constraints: TE <= budget (second-order cone), cash band, turnover, net realized gain
within the year's remaining budget, hard tilts, the transition's minimum sale, the ledger's
lot caps and the per-security sell and buy limits (restrictions, wash-sale sides).

Every daily-changing number is a Parameter that enters affinely or multiplies a
parameter-free expression, so the problem is DPP: a re-solve only re-applies parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from tools.optimizer.structure import Structure

# Scalar limits reported with their slack and dual when they bind.
LIMIT_CONSTRAINTS = (
    "te_budget",
    "cash_min",
    "cash_max",
    "turnover",
    "gains_budget",
    "loss_value_cap",
    "transition_min",
)
# Constraints the lowest-TE problem drops: the TE budget itself and the tax-value cap.
_NOT_IN_MIN_TE = frozenset({"te_budget", "tax_value", "loss_value_cap"})


@dataclass
class CompiledProblem:
    """Variables, parameters and named constraints of one structure's problem."""

    structure: Structure
    params: dict[str, cp.Parameter]
    sold: cp.Variable
    buy: cp.Variable
    sell: cp.Variable
    factor: cp.Variable
    realized_short: cp.Variable
    realized_long: cp.Variable
    constraints: dict[str, cp.Constraint]
    objective_terms: dict[str, cp.Expression]
    limits: dict[str, tuple[cp.Expression, cp.Expression]]  # name: (value, limit), value <= limit
    variance: cp.Expression  # annualized TE variance of the post-trade weights
    problem: cp.Problem
    reusable: bool  # compiled once for re-solves (DPP), else solved once per call
    derived: dict[str, cp.Problem] = field(default_factory=dict)
    elastic_slacks: dict[str, cp.Variable] = field(default_factory=dict)

    def assign(self, values: Mapping[str, np.ndarray | float]) -> None:
        """Load parameter values (every parameter must be given)."""
        missing = set(self.params) - set(values)
        if missing:
            raise KeyError(f"parameter values missing: {sorted(missing)}")
        for name, param in self.params.items():
            param.value = values[name]

    def min_te_problem(self) -> cp.Problem:
        """The lowest TE under every other hard rule (used to diagnose infeasibility)."""
        if "min_te" not in self.derived:
            kept = [c for name, c in self.constraints.items() if name not in _NOT_IN_MIN_TE]
            self.derived["min_te"] = cp.Problem(cp.Minimize(self.variance), kept)
        return self.derived["min_te"]

    def elastic_problem(self) -> cp.Problem:
        """Every limit but the TE budget gets a slack; minimizing the slacks shows which
        limits contradict each other and by how much (a phase-one problem)."""
        if "elastic" not in self.derived:
            kept = [
                c
                for name, c in self.constraints.items()
                if name not in self.limits and name not in _NOT_IN_MIN_TE
            ]
            for name, (value, limit) in self.limits.items():
                if name == "te_budget":
                    continue
                slack = cp.Variable(value.shape, name=f"slack_{name}", nonneg=True)
                self.elastic_slacks[name] = slack
                kept.append(value <= limit + slack)
            total = cp.sum([cp.sum(v) for v in self.elastic_slacks.values()])
            self.derived["elastic"] = cp.Problem(cp.Minimize(total), kept)
        return self.derived["elastic"]


def _parameters(structure: Structure) -> dict[str, cp.Parameter]:
    n, tilts = structure.n_securities, len(structure.hard_tilts)
    vectors = {
        "price_over_value": True,  # (N,) p / V
        "active_start": False,  # (N,) w0 - w_benchmark
        "sell_max": True,  # (N,) w0 where selling is allowed, else 0
        "buy_max": True,  # (N,) 1 where buying is allowed, else 0
    }
    scalars = {
        "inverse_value": True,  # 1 / V
        "short_rate": True,
        "long_rate": True,
        "cash_start": False,  # cash / V
        "half_spread": True,
        "cash_min": False,
        "cash_max": False,
        "turnover_max": True,
        "gains_room": True,  # remaining net gain budget / V
        "te_budget": True,
    }
    params = {name: cp.Parameter(n, name=name, nonneg=nonneg) for name, nonneg in vectors.items()}
    params |= {name: cp.Parameter(name=name, nonneg=nonneg) for name, nonneg in scalars.items()}
    if tilts:
        params["tilt_target"] = cp.Parameter(tilts, name="tilt_target")
        params["tilt_tolerance"] = cp.Parameter(tilts, name="tilt_tolerance", nonneg=True)
    if structure.capped:
        params["loss_value_cap"] = cp.Parameter(name="loss_value_cap", nonneg=True)
    if structure.has_commission:
        params["sell_commission"] = cp.Parameter(name="sell_commission", nonneg=True)
        params["buy_commission"] = cp.Parameter(name="buy_commission", nonneg=True)
    if structure.transition_security is not None:
        params["transition_min_shares"] = cp.Parameter(name="transition_min_shares", nonneg=True)
        params["transition_reward"] = cp.Parameter(name="transition_reward", nonneg=True)
    return params


def compile_problem(structure: Structure, *, reusable: bool = True) -> CompiledProblem:
    """Build the cvxpy problem for ``structure`` (canonicalized by its first solve).

    ``reusable``: the problem will be re-solved with new parameter values (a cached problem),
    so its solves go through the DPP compilation; a one-off problem is solved with its
    parameters frozen, which canonicalizes faster once.
    """
    n, k = structure.n_securities, structure.n_factors
    p = _parameters(structure)
    sold = cp.Variable(structure.n_columns, name="sold", nonneg=True)
    buy = cp.Variable(n, name="buy", nonneg=True)
    sell = cp.Variable(n, name="sell")
    factor = cp.Variable(k, name="factor")
    realized_short = cp.Variable(name="realized_short")
    realized_long = cp.Variable(name="realized_long")
    active = p["active_start"] - sell + buy

    traded = cp.sum(sell) + cp.sum(buy)
    cost: cp.Expression = p["half_spread"] * traded
    commission_rows: dict[str, cp.Constraint] = {}
    if structure.has_commission:
        # One variable carries the commission envelope, so its per-lot row appears once
        # rather than in both cash limits and the objective.
        commission = cp.Variable(name="commission")
        cost = cost + commission
        commission_rows["commission"] = commission == (
            p["sell_commission"] * (structure.position_fraction @ sold)
            + p["buy_commission"] * cp.sum(buy)
        )
    cash_after = p["cash_start"] + cp.sum(sell) - cp.sum(buy) - cost
    specific = cp.multiply(structure.specific_vol, active)
    variance = cp.sum_squares(factor) + cp.sum_squares(specific)  # TE^2 in factor form

    limits: dict[str, tuple[cp.Expression, cp.Expression]] = {
        "cash_min": (-cash_after, -p["cash_min"]),
        "cash_max": (cash_after, p["cash_max"]),
        "turnover": (traded / 2, p["turnover_max"]),
        "gains_budget": (realized_short + realized_long, p["gains_room"]),
        "te_budget": (cp.norm(cp.hstack([factor, specific])), p["te_budget"]),
    }
    constraints: dict[str, cp.Constraint] = {
        **commission_rows,
        "sell_value": sell == cp.multiply(p["price_over_value"], structure.lot_shares @ sold),
        # Gain = proceeds - basis, per holding period (IRC §1001(a), §1222).
        "realized_short": realized_short
        == (
            p["price_over_value"] @ (structure.short_lot_shares @ sold)
            - p["inverse_value"] * cp.sum(structure.short_basis @ sold)
        ),
        "realized_long": realized_long
        == (
            p["price_over_value"] @ (structure.long_lot_shares @ sold)
            - p["inverse_value"] * cp.sum(structure.long_basis @ sold)
        ),
        "factor": factor == structure.factor_exposure @ active,
        "lot_cap": sold <= structure.lot_cap,
        "sell_max": sell <= p["sell_max"],
        "buy_max": buy <= p["buy_max"],
        "cash_min": cash_after >= p["cash_min"],
        "cash_max": cash_after <= p["cash_max"],
        "turnover": traded / 2 <= p["turnover_max"],
        "gains_budget": realized_short + realized_long <= p["gains_room"],
        "te_budget": cp.SOC(p["te_budget"], cp.hstack([factor, specific])),
    }
    tax_value: cp.Expression = -(p["short_rate"] * realized_short + p["long_rate"] * realized_long)
    if structure.capped:
        # Losses count in full until this year's usable amount is reached (gains to offset plus
        # the IRC §1211(b) ordinary-income cap); the rest carries forward (IRC §1212(b)) and is
        # worth ``carryforward_value`` of its full value today: min(V, C + d (V - C)).
        capped_value = cp.Variable(name="capped_tax_value")
        carried = structure.carryforward_value
        constraints["tax_value"] = capped_value <= tax_value
        constraints["loss_value_cap"] = (
            capped_value <= (1.0 - carried) * p["loss_value_cap"] + carried * tax_value
        )
        tax_value = capped_value
    hard = np.flatnonzero(structure.hard_tilts)
    if hard.size:
        gap = structure.tilt_exposures[hard] @ active - p["tilt_target"][hard]
        limits["tilt_upper"] = (gap, p["tilt_tolerance"][hard])
        limits["tilt_lower"] = (-gap, p["tilt_tolerance"][hard])
        constraints["tilt_upper"] = gap <= p["tilt_tolerance"][hard]
        constraints["tilt_lower"] = -gap <= p["tilt_tolerance"][hard]
    terms: dict[str, cp.Expression] = {
        "tax_value": tax_value,
        "trading_cost": cost,
        "te_penalty": structure.te_aversion * variance,
        # Held weight of excluded names, up to a constant: w0 - sell + buy.
        "restriction_penalty": structure.exclusion_penalty @ (buy - sell),
    }
    penalized = np.flatnonzero(structure.tilt_penalties > 0)
    if penalized.size:
        terms["tilt_penalty"] = structure.tilt_penalties[penalized] @ cp.abs(
            structure.tilt_exposures[penalized] @ active - p["tilt_target"][penalized]
        )
    if structure.transition_security is not None:
        position_sold = structure.lot_shares[[structure.transition_security]] @ sold
        limits["transition_min"] = (-cp.sum(position_sold), -p["transition_min_shares"])
        constraints["transition_min"] = position_sold >= p["transition_min_shares"]
        terms["transition_reward"] = p["transition_reward"] * cp.sum(position_sold)
    objective = (
        terms["tax_value"]
        - terms["trading_cost"]
        - terms["te_penalty"]
        - terms["restriction_penalty"]
        - terms.get("tilt_penalty", 0)
        + terms.get("transition_reward", 0)
    )
    problem = cp.Problem(cp.Maximize(objective), list(constraints.values()))
    return CompiledProblem(
        structure=structure,
        params=p,
        sold=sold,
        buy=buy,
        sell=sell,
        factor=factor,
        realized_short=realized_short,
        realized_long=realized_long,
        constraints=constraints,
        objective_terms=terms,
        limits=limits,
        variance=variance,
        problem=problem,
        reusable=reusable,
    )
