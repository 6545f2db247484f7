"""Which constraints hold a solution where it is: dual values grouped into named families.

A limit binds when its dual value is positive: relaxing it by one unit would improve the
objective (or lower the TE, for the lowest-TE problem) by about that much. Bounds that are
zero for a reason (an exclusion, a wash-sale block, the trading side of a group) are grouped
by that reason so a report can say "buys of XOM, CVX are blocked by an exclusion". Bounds
from the trading sides (:mod:`tools.optimizer.modes`) are not rules and are left out.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from tools.optimizer.errors import BindingConstraint
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds
from tools.optimizer.problem import LIMIT_CONSTRAINTS, CompiledProblem

DUAL_TOLERANCE = 1e-7
LIST_LIMIT = 8
# Bounds imposed by rules; the trading sides are a modelling device and are not reported.
RULE_CAUSES = frozenset({"excluded", "no_buy", "wash_sale", "no_sell"})


def scalar_dual(constraint: cp.Constraint) -> float:
    """The dual of a scalar limit (the cone's first entry for the TE budget)."""
    value = constraint.dual_value
    if value is None:
        return 0.0
    if isinstance(value, list):
        value = value[0]
    return float(np.abs(np.ravel(np.asarray(value, dtype=float))).sum())


def limit_slacks(compiled: CompiledProblem) -> dict[str, float]:
    """Slack of each limit at the solver's solution (limit - value, smallest entry)."""
    slacks = {}
    for name, (value, limit) in compiled.limits.items():
        if value.value is None or limit.value is None:
            continue
        slacks[name] = float(np.min(np.asarray(limit.value) - np.asarray(value.value)))
    return slacks


def binding_constraints(
    compiled: CompiledProblem, inp: OptimizationInput, bounds: TradeBounds, solved: cp.Problem
) -> list[BindingConstraint]:
    """Binding limits and bound families of ``solved``, one of ``compiled``'s problems, just
    solved (constraints it does not contain are skipped: their duals are stale)."""
    slacks = limit_slacks(compiled)
    present = {id(c) for c in solved.constraints}
    found: list[BindingConstraint] = []
    for name in (*LIMIT_CONSTRAINTS, "tilt_upper", "tilt_lower"):
        constraint = compiled.constraints.get(name)
        if constraint is None or id(constraint) not in present:
            continue
        dual = scalar_dual(constraint)
        if dual > DUAL_TOLERANCE:
            found.append(
                BindingConstraint(
                    name, dual, max(slacks.get(name, 0.0), 0.0), _limit_detail(name, inp)
                )
            )
    found += _bound_families(
        compiled.constraints["buy_max"], bounds.buy_block_cause, "buy_blocked", inp.symbols
    )
    found += _bound_families(
        compiled.constraints["sell_max"], bounds.sell_block_cause, "sell_blocked", inp.symbols
    )
    lot_duals = _vector_dual(compiled.constraints["lot_cap"])[: inp.n_lots]
    washed = np.flatnonzero(
        (lot_duals > DUAL_TOLERANCE) & (compiled.structure.lot_cap[: inp.n_lots] == 0)
    )
    if washed.size:
        found.append(
            BindingConstraint(
                "sell_blocked:washed_loss",
                float(lot_duals[washed].sum()),
                0.0,
                "loss lots inside a wash-sale window: " + _listed([inp.lot_ids[i] for i in washed]),
            )
        )
    return sorted(found, key=lambda b: -b.dual)


def _vector_dual(constraint: cp.Constraint) -> np.ndarray:
    value = constraint.dual_value
    return np.zeros(constraint.shape) if value is None else np.abs(np.asarray(value, float))


def _bound_families(
    constraint: cp.Constraint, causes: tuple[str, ...], prefix: str, symbols: tuple[str, ...]
) -> list[BindingConstraint]:
    duals = _vector_dual(constraint)
    families: dict[str, list[int]] = {}
    for index in np.flatnonzero(duals > DUAL_TOLERANCE):
        if causes[index] in RULE_CAUSES:
            families.setdefault(causes[index], []).append(int(index))
    return [
        BindingConstraint(
            f"{prefix}:{cause}",
            float(duals[members].sum()),
            0.0,
            _listed([symbols[i] for i in sorted(members, key=lambda i: -duals[i])]),
        )
        for cause, members in families.items()
    ]


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:LIST_LIMIT])
    return shown + (f" and {len(names) - LIST_LIMIT} more" if len(names) > LIST_LIMIT else "")


def _limit_detail(name: str, inp: OptimizationInput) -> str:
    trading, tax = inp.trading, inp.tax
    details = {
        "te_budget": f"TE budget {trading.te_budget:.4%}",
        "cash_min": f"cash at least {trading.cash_min_fraction:.2%} of account value",
        "cash_max": f"cash at most {trading.cash_max_fraction:.2%} of account value",
        "turnover": f"turnover at most {trading.max_turnover:.2%}",
        "gains_budget": f"net realized gain at most ${max(tax.gains_room_usd, 0):,.2f}",
        "loss_value_cap": f"loss value this year at most ${tax.loss_value_cap_usd or 0:,.2f}",
        "transition_min": "scheduled transition sale",
        "tilt_upper": "tilt exposure at its upper tolerance",
        "tilt_lower": "tilt exposure at its lower tolerance",
    }
    return details[name]
