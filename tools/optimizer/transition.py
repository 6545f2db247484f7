"""Diversifying a concentrated, low-basis position within a yearly gains budget.

The schedule sells, each tax year, the shares whose realized net gain fits that year's room:
this year the budget less the household's net gain realized so far (losses already harvested
raise the room), later years the budget plus any losses expected to be harvested then. Loss
lots go first (they add room), then the lots with the least tax per share. It stops when the
position is down to its target weight.

Projection assumptions, stated because they drive the figures: prices stay at today's close,
sale proceeds are reinvested across the rest of the benchmark in proportion to its weights
(never in the position's identical group or an excluded name), and each future year's sale
happens on 1 January, which decides its holding periods (IRC §1222; Pub. 550).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from tools.ledger.holding import term_of
from tools.optimizer.evaluate import tracking_error
from tools.optimizer.inputs import OptimizationInput, TransitionStep

DEFAULT_HORIZON_YEARS = 30
TE_HEADROOM = 0.001  # relative: today's TE as a limit, plus rounding room


@dataclass(frozen=True)
class TransitionTerms:
    security: int  # index into the input's symbols
    gains_budget_usd: float  # net realized gain allowed per tax year
    realized_this_year_usd: float  # household net gain realized so far this year
    target_weight: float  # weight at which the position is diversified enough
    expected_yearly_harvest_usd: float = 0.0  # losses expected each later year (raise room)
    horizon_years: int = DEFAULT_HORIZON_YEARS


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class YearLotSale(_Model):
    lot_id: str
    quantity: float


class TransitionYear(_Model):
    year: int  # calendar year of the sale
    sale_date: dt.date
    gains_room: float  # net realized gain the year allows
    shares_sold: float
    proceeds: float
    realized_short: float
    realized_long: float
    tax: float  # tax on the year's realized gains (negative: saved by losses)
    shares_after: float
    weight_after: float
    te_after: float  # projected annualized TE after the year's sale
    lots: list[YearLotSale]


class TransitionPlan(_Model):
    account_id: str
    symbol: str
    as_of: dt.date
    price: float
    shares_before: float
    weight_before: float
    target_weight: float
    target_shares: float  # whole shares at or below the target weight
    te_before: float
    years: list[TransitionYear]
    years_to_target: int | None  # sales years needed (1 = this year); None: not within horizon
    total_tax: float
    notes: list[str]

    @property
    def shares_sold(self) -> float:
        return float(sum(y.shares_sold for y in self.years))


def plan_transition(inp: OptimizationInput, terms: TransitionTerms) -> TransitionPlan:
    """The multi-year sell-down schedule of one concentrated position."""
    security = terms.security
    price = float(inp.prices[security])
    value = inp.account_value
    lots = np.flatnonzero(inp.lot_security == security)
    remaining = inp.lot_quantity.astype(float).copy()
    shares = float(remaining[lots].sum())
    # Whole shares down to (or below) the target; a fractional remainder goes with the last lot.
    to_sell = min(float(math.ceil(shares - terms.target_weight * value / price - 1e-9)), shares)
    to_sell = max(to_sell, 0.0)
    target_shares = shares - to_sell
    weights = inp.weights.copy()
    redeploy = _redeploy_weights(inp, security)
    te_before = tracking_error(inp, weights)
    years: list[TransitionYear] = []
    notes: list[str] = []
    held = shares
    for offset in range(terms.horizon_years):
        if to_sell <= 1e-9:
            break
        sale_date = inp.as_of if offset == 0 else dt.date(inp.as_of.year + offset, 1, 1)
        room = (
            terms.gains_budget_usd - terms.realized_this_year_usd
            if offset == 0
            else terms.gains_budget_usd + terms.expected_yearly_harvest_usd
        )
        room = max(room, 0.0)
        sales = _sell_within(
            inp, lots, remaining, price=price, sale_date=sale_date, room=room, wanted=to_sell
        )
        if not sales and offset > 0:
            notes.append(
                f"no progress from {sale_date.year}: the yearly room of "
                f"${room:,.2f} does not cover the gain of a single share"
            )
            break
        sold = float(sum(q for _, q in sales))
        short, long = _realized(inp, sales, price, sale_date)
        for lot, quantity in sales:
            remaining[lot] -= quantity
        to_sell -= sold
        held -= sold
        sold_weight = sold * price / value
        weights[security] -= sold_weight
        weights += sold_weight * redeploy
        years.append(
            TransitionYear(
                year=sale_date.year,
                sale_date=sale_date,
                gains_room=room,
                shares_sold=sold,
                proceeds=sold * price,
                realized_short=short,
                realized_long=long,
                tax=inp.tax.short_rate * short + inp.tax.long_rate * long,
                shares_after=held,
                weight_after=held * price / value,
                te_after=tracking_error(inp, weights),
                lots=[YearLotSale(lot_id=inp.lot_ids[lot], quantity=q) for lot, q in sales],
            )
        )
    reached = to_sell <= 1e-9
    if not reached and not notes:
        notes.append(f"the target is not reached within {terms.horizon_years} years")
    return TransitionPlan(
        account_id=inp.account_id,
        symbol=inp.symbols[security],
        as_of=inp.as_of,
        price=price,
        shares_before=shares,
        weight_before=shares * price / value,
        target_weight=terms.target_weight,
        target_shares=target_shares,
        te_before=te_before,
        years=years,
        years_to_target=len(years) if reached else None,
        total_tax=float(sum(y.tax for y in years)),
        notes=notes,
    )


def today_step(
    inp: OptimizationInput, terms: TransitionTerms, plan: TransitionPlan
) -> TransitionStep:
    """This year's scheduled sale as the optimizer's transition step.

    The reward per dollar sold exceeds the worst tax and cost of any share of the position,
    so the optimizer also sells beyond the schedule when harvested losses make room, never
    below the target.
    """
    lots = np.flatnonzero(inp.lot_security == terms.security)
    first = plan.years[0] if plan.years else None
    today = first.shares_sold if first is not None and first.sale_date == inp.as_of else 0.0
    worst_tax = float(
        np.max(inp.lot_rate[lots] * inp.lot_gain[lots] / inp.lot_value[lots], initial=0.0)
    )
    # Beat that tax, the round trip of selling and reinvesting, and a cent per dollar more.
    reward = worst_tax + 4.0 * inp.trading.half_spread + 0.01
    return TransitionStep(
        security=terms.security,
        min_shares=today,
        max_shares=plan.shares_before - plan.target_shares,
        reward_per_dollar=reward,
    )


def step_input(
    inp: OptimizationInput, terms: TransitionTerms, plan: TransitionPlan
) -> OptimizationInput:
    """The account's input for today's step: the schedule's sale as a minimum, this year's
    room from ``terms`` as the gains budget, and a TE limit no tighter than today's TE (the
    position is what holds the TE up; it comes down year by year)."""
    te_limit = max(inp.trading.te_budget, plan.te_before * (1.0 + TE_HEADROOM))
    return dataclasses.replace(
        inp,
        transition=today_step(inp, terms, plan),
        tax=dataclasses.replace(
            inp.tax, gains_room_usd=terms.gains_budget_usd - terms.realized_this_year_usd
        ),
        trading=dataclasses.replace(inp.trading, te_budget=te_limit),
    )


def _redeploy_weights(inp: OptimizationInput, security: int) -> np.ndarray:
    """(N,) where sale proceeds go: benchmark weights outside the position's group and the
    excluded names, normalized."""
    key = inp.wash_keys[security]
    eligible = np.array([k != key for k in inp.wash_keys]) & ~inp.excluded
    weights = np.where(eligible, inp.benchmark_weights, 0.0)
    total = weights.sum()
    if total <= 0:
        return np.zeros(inp.n_securities)
    return weights / total


def _term_is_long(inp: OptimizationInput, lot: int, sale_date: dt.date) -> bool:
    """Holding period at ``sale_date``; without acquisition dates, today's term (short-term
    lots stay short: the conservative, higher rate)."""
    if sale_date == inp.as_of or not inp.lot_acquired:
        return bool(inp.lot_long_term[lot])
    return term_of(inp.lot_acquired[lot].toordinal(), sale_date.toordinal()) == "long"


def _sell_within(
    inp: OptimizationInput,
    lots: np.ndarray,
    remaining: np.ndarray,
    *,
    price: float,
    sale_date: dt.date,
    room: float,
    wanted: float,
) -> list[tuple[int, float]]:
    """Whole shares to sell this year: losses first, then least tax per share, within
    ``room`` of net realized gain and ``wanted`` shares."""
    per_share = np.array([price - inp.lot_basis[lot] / inp.lot_quantity[lot] for lot in lots])
    rates = np.array(
        [
            inp.tax.long_rate if _term_is_long(inp, lot, sale_date) else inp.tax.short_rate
            for lot in lots
        ]
    )
    order = np.lexsort((lots, per_share * rates))
    sales: list[tuple[int, float]] = []
    for position in order:
        lot, gain = int(lots[position]), float(per_share[position])
        available = float(remaining[lot])
        if available <= 1e-9 or wanted <= 1e-9:
            continue
        affordable = math.floor(room / gain + 1e-9) if gain > 0 else math.inf
        quantity = min(available, wanted, affordable)
        if quantity < available:
            quantity = float(math.floor(quantity + 1e-9))
        if quantity <= 0:
            continue
        sales.append((lot, quantity))
        room -= quantity * gain
        wanted -= quantity
    return sales


def _realized(
    inp: OptimizationInput, sales: list[tuple[int, float]], price: float, sale_date: dt.date
) -> tuple[float, float]:
    short = long = 0.0
    for lot, quantity in sales:
        gain = quantity * (price - inp.lot_basis[lot] / inp.lot_quantity[lot])
        if _term_is_long(inp, lot, sale_date):
            long += gain
        else:
            short += gain
    return short, long
