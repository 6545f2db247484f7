"""Numeric values of a compiled problem's Parameters for one day's input.

Kept apart from the cvxpy model so the arithmetic (units, margins, padding) can be read and
tested on its own. All values are in fractions of the account value V.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds
from tools.optimizer.structure import Structure

ParameterValues = dict[str, "np.ndarray | float"]


@dataclass(frozen=True)
class Margins:
    """How far inside each limit the continuous solution stays, so that rounding to whole
    shares does not cross it. Zero for the exact problem."""

    te: float = 0.0  # relative cut of the TE budget
    cash: float = 0.0  # fraction of V kept off each edge of the cash band (at most 1/4 of it)
    turnover: float = 0.0  # relative cut of the turnover limit
    gains_usd: float = 0.0  # dollars kept below the remaining gains budget

    def widened(self, factor: float) -> Margins:
        return Margins(
            self.te * factor, self.cash * factor, self.turnover * factor, self.gains_usd * factor
        )


def parameter_values(
    inp: OptimizationInput, structure: Structure, bounds: TradeBounds, margins: Margins
) -> ParameterValues:
    value = inp.account_value
    prices = inp.prices
    tax, trading = inp.tax, inp.trading
    band = trading.cash_max_fraction - trading.cash_min_fraction
    cash_margin = min(margins.cash, band / 4.0)
    largest_buy = min(1.0, 2.0 * trading.max_turnover)
    weights = inp.weights
    values: ParameterValues = {
        "price_over_value": prices / value,
        "active_start": weights - inp.benchmark_weights,
        "sell_max": np.where(bounds.sell_allowed, weights, 0.0),
        "buy_max": bounds.buy_allowed.astype(float),
        "inverse_value": 1.0 / value,
        "short_rate": tax.short_rate,
        "long_rate": tax.long_rate,
        "cash_start": inp.cash / value,
        "half_spread": trading.half_spread,
        "cash_min": trading.cash_min_fraction + cash_margin,
        "cash_max": trading.cash_max_fraction - cash_margin,
        "turnover_max": trading.max_turnover * (1.0 - margins.turnover),
        "gains_room": max(0.0, tax.gains_room_usd - margins.gains_usd) / value,
        "te_budget": trading.te_budget * (1.0 - margins.te),
    }
    if inp.tilts:
        values["tilt_target"] = np.array([t.target for t in inp.tilts])
        values["tilt_tolerance"] = np.array(
            [(t.tolerance or 0.0) * (1.0 - margins.te) for t in inp.tilts]
        )
    if structure.has_commission:
        values["sell_commission"] = trading.commission_per_trade / value  # per position sold
        values["buy_commission"] = trading.commission_per_trade / (value * largest_buy)
    if structure.capped:
        values["loss_value_cap"] = (tax.loss_value_cap_usd or 0.0) / value
    if inp.transition is not None:
        step = inp.transition
        sell_max = np.array(values["sell_max"], dtype=float)
        sell_max[step.security] = min(
            sell_max[step.security], step.max_shares * prices[step.security] / value
        )
        values["sell_max"] = sell_max
        values["transition_min_shares"] = step.min_shares
        values["transition_reward"] = step.reward_per_dollar * prices[step.security] / value
    return values
