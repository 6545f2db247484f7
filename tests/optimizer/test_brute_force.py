"""The convex problem's optimum against brute force on small instances (3-6 lots, 3-4 names).

The brute force re-implements the objective and the constraints from their definitions with
plain numpy and enumerates a grid of trade choices (fraction of each lot sold; how the cash
to redeploy is split between the buyable names). It never calls the solver.

- Linear cases (no TE penalty, cash pinned by its band): the optimum sits on the grid, so the
  solver's value must equal the best grid value.
- Quadratic cases (TE penalty, a binding TE budget): the grid is refined around its best point
  until it resolves the optimum; no grid point may beat the solver, and the refined best must
  come within a small tolerance of it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.optimizer.instances import LotSpec, make_input, with_tax, with_trading
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import TradeBounds, harvest_sides, lot_sellable, trade_bounds
from tools.optimizer.parameters import Margins, parameter_values
from tools.optimizer.problem import compile_problem
from tools.optimizer.screening import screen_harvest
from tools.optimizer.solve import solve
from tools.optimizer.structure import structure_of

FEASIBILITY_TOLERANCE = 1e-7  # interior-point solutions sit this close to bounds


def solve_continuous(inp: OptimizationInput) -> tuple[np.ndarray, np.ndarray, float, TradeBounds]:
    """The solver's continuous optimum (lot fractions, buy weights, objective, bounds)."""
    bounds = trade_bounds(inp, harvest_sides(inp, screen_harvest(inp)))
    structure = structure_of(inp)
    compiled = compile_problem(structure)
    compiled.assign(parameter_values(inp, structure, bounds, Margins()))
    assert solve(compiled.problem).outcome == "optimal"
    sold = np.asarray(compiled.sold.value, dtype=float)[: inp.n_lots]
    bought = np.asarray(compiled.buy.value, dtype=float)
    return sold, bought, float(compiled.problem.value), bounds


def brute_objective(
    inp: OptimizationInput, bounds: TradeBounds, sold: np.ndarray, bought: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Objective and feasibility of P candidate trades: sold (P, L) lot fractions, bought
    (P, N) weights. Written from the model's definitions, independently of the solver."""
    value = inp.account_value
    owner = np.eye(inp.n_securities)[inp.lot_security]  # (L, N)
    lot_value = inp.lot_quantity * inp.prices[inp.lot_security]
    sell = (sold * lot_value) @ owner / value
    gain = sold * (lot_value - inp.lot_basis) / value
    long_mask = inp.lot_long_term
    realized_short, realized_long = gain[:, ~long_mask].sum(1), gain[:, long_mask].sum(1)
    tax = -(inp.tax.short_rate * realized_short + inp.tax.long_rate * realized_long)
    if inp.tax.loss_value_cap_usd is not None:
        cap = inp.tax.loss_value_cap_usd / value
        carried = inp.tax.carryforward_value
        tax = np.minimum(tax, (1.0 - carried) * cap + carried * tax)
    trading = inp.trading
    traded = sell.sum(1) + bought.sum(1)
    position_fraction = inp.lot_quantity / inp.position_shares[inp.lot_security]
    largest_buy = min(1.0, 2 * trading.max_turnover)
    cost = (
        trading.half_spread * traded
        + trading.commission_per_trade / value * (sold @ position_fraction)
        + trading.commission_per_trade / (value * largest_buy) * bought.sum(1)
    )
    cash = inp.cash / value + sell.sum(1) - bought.sum(1) - cost
    active = inp.weights - inp.benchmark_weights - sell + bought
    exposure = active @ inp.loadings
    variance = np.einsum("pk,kl,pl->p", exposure, inp.factor_cov, exposure) + (
        active**2 @ inp.specific_var
    )
    objective = (
        tax
        - cost
        - trading.te_aversion * variance
        - trading.exclusion_penalty * ((bought - sell) @ inp.excluded.astype(float))
    )
    tol = FEASIBILITY_TOLERANCE
    feasible = (
        (cash >= trading.cash_min_fraction - tol)
        & (cash <= trading.cash_max_fraction + tol)
        & (traded / 2 <= trading.max_turnover + tol)
        & (realized_short + realized_long <= max(inp.tax.gains_room_usd, 0) / value + tol)
        & (np.sqrt(variance) <= trading.te_budget + tol)
        & (sold <= lot_sellable(inp) + tol).all(1)
        & (sold[:, ~bounds.sell_allowed[inp.lot_security]] <= tol).all(1)
        & (bought[:, ~bounds.buy_allowed] <= tol).all(1)
    )
    return objective, feasible


def pinned_cash_buys(
    inp: OptimizationInput, sold: np.ndarray, split: np.ndarray, buyable: np.ndarray
) -> np.ndarray:
    """(P, N) buys that bring cash exactly to its (pinned) band, split among ``buyable``
    names by ``split`` (P, B) rows summing to one. Cash after = c0 + sells(1 - h) - buys(1 + h)
    - commissions, solved for the total bought."""
    value, trading = inp.account_value, inp.trading
    h = trading.half_spread
    lot_value = inp.lot_quantity * inp.prices[inp.lot_security]
    position_fraction = inp.lot_quantity / inp.position_shares[inp.lot_security]
    largest_buy = min(1.0, 2 * trading.max_turnover)
    sells = sold @ lot_value / value
    sell_commission = trading.commission_per_trade / value * (sold @ position_fraction)
    per_buy = 1 + h + trading.commission_per_trade / (value * largest_buy)
    total = (
        inp.cash / value + sells * (1 - h) - sell_commission - trading.cash_min_fraction
    ) / per_buy
    bought = np.zeros((sold.shape[0], inp.n_securities))
    bought[:, buyable] = total[:, None] * split
    return bought


def grid(levels: np.ndarray, dims: int) -> np.ndarray:
    return np.array(list(itertools.product(levels, repeat=dims)), dtype=float).reshape(-1, dims)


def splits(buyable: int, steps: int) -> np.ndarray:
    if buyable == 1:
        return np.ones((1, 1))
    share = np.linspace(0.0, 1.0, steps + 1)
    return np.column_stack([share, 1 - share])


def best_on_grid(
    inp: OptimizationInput, bounds: TradeBounds, lot_levels: np.ndarray, split_steps: int
) -> tuple[float, np.ndarray]:
    buyable = np.flatnonzero(bounds.buy_allowed)
    lots = grid(lot_levels, inp.n_lots)
    split = splits(buyable.size, split_steps)
    sold = np.repeat(lots, split.shape[0], axis=0)
    shares = np.tile(split, (lots.shape[0], 1))
    bought = pinned_cash_buys(inp, sold, shares, buyable)
    objective, feasible = brute_objective(inp, bounds, sold, bought)
    assert feasible.any(), "the grid must hold a feasible trade"
    best = int(np.argmax(np.where(feasible, objective, -np.inf)))
    return float(objective[best]), np.concatenate([sold[best], shares[best]])


def random_linear_instance(seed: int) -> OptimizationInput:
    """3-4 names, 3-6 lots, losses and gains, one name underweight; no TE penalty and a cash
    band pinned at 2%, so the objective is linear in the lot fractions."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 5))
    n_lots = int(rng.integers(3, 7))
    prices = rng.uniform(20, 200, n)
    owners = np.concatenate([np.arange(n - 1), rng.integers(0, n - 1, n_lots - (n - 1))])
    lots = [
        LotSpec(
            int(s),
            float(rng.integers(50, 400)),
            float(prices[s] * rng.uniform(0.6, 1.5)),
            bool(rng.random() < 0.5),
        )
        for s in owners[:n_lots]
    ]
    held = np.bincount(owners[:n_lots], [lot.quantity for lot in lots], minlength=n) * prices
    cash = 0.1 * held.sum()
    benchmark = np.append(np.full(n - 1, 0.5 / (n - 1)), 0.5)  # the last name is underweight
    inp = make_input(prices=prices, benchmark=benchmark, lots=lots, cash=cash)
    return with_trading(
        inp,
        te_budget=1.0,
        te_aversion=0.0,
        max_turnover=1.0,
        cash_min_fraction=0.02,
        cash_max_fraction=0.02,
        commission_per_trade=float(rng.choice([0.0, 4.95])),
    )


@pytest.mark.parametrize("seed", range(6))
def test_linear_optimum_equals_the_best_trade_on_the_grid(seed: int) -> None:
    inp = random_linear_instance(seed)
    sold, bought, value, bounds = solve_continuous(inp)
    objective, feasible = brute_objective(inp, bounds, sold[None, :], bought[None, :])
    assert feasible[0]
    assert objective[0] == pytest.approx(value, abs=1e-8)
    best, _ = best_on_grid(inp, bounds, np.linspace(0, 1, 5), split_steps=4)
    assert value == pytest.approx(best, abs=1e-7)


def excluded_position_instance() -> OptimizationInput:
    """S0 is excluded: its gain lot must go, but only half of that gain fits the budget."""
    lots = [LotSpec(0, 100, 50.0), LotSpec(1, 400, 45.0, long_term=False), LotSpec(2, 500, 30.0)]
    inp = make_input(
        prices=[100.0, 50.0, 40.0],
        benchmark=[0.3, 0.3, 0.4],
        lots=lots,
        cash=30_000.0,
        excluded=[0],
    )
    inp = with_trading(
        inp,
        te_budget=1.0,
        te_aversion=0.0,
        max_turnover=1.0,
        cash_min_fraction=0.02,
        cash_max_fraction=0.02,
    )
    return with_tax(inp, gains_room_usd=2_500.0)  # the whole gain lot would realize 5,000


def test_gains_budget_stops_an_exclusion_sale_halfway() -> None:
    inp = excluded_position_instance()
    sold, _, value, bounds = solve_continuous(inp)
    assert sold[0] == pytest.approx(0.5, abs=1e-6)
    assert sold[1] == pytest.approx(0.0, abs=1e-6)  # a gain lot of an allowed name stays
    best, point = best_on_grid(inp, bounds, np.linspace(0, 1, 5), split_steps=1)
    assert value == pytest.approx(best, abs=1e-7)
    assert point[0] == pytest.approx(0.5)


def test_capped_loss_value_stops_the_harvest_where_the_cap_is_reached() -> None:
    """Past the cap a loss earns nothing and still costs the spread: the optimum sells just
    enough (a fraction of a lot), which only the refined grid resolves."""
    inp = with_tax(random_linear_instance(3), loss_value_cap_usd=500.0)
    sold, _, value, bounds = solve_continuous(inp)
    best, _ = best_on_grid(inp, bounds, np.linspace(0, 1, 5), split_steps=4)
    assert best <= value + 1e-9
    assert refined_best(inp, bounds) == pytest.approx(value, abs=2e-6)
    loss_lots = inp.lot_gain < 0
    assert 0.0 < sold[loss_lots].sum() < loss_lots.sum() - 1e-3


def quadratic_instance(n_lots: int) -> OptimizationInput:
    """TE penalty and a binding TE budget; two underweight names share the redeployed cash."""
    specs = [
        LotSpec(0, 300, 120.0),
        LotSpec(0, 100, 80.0, long_term=False),
        LotSpec(1, 200, 60.0, long_term=False),
        LotSpec(1, 150, 45.0),
        LotSpec(2, 50, 30.0),
        LotSpec(3, 40, 25.0),
    ][:n_lots]
    inp = make_input(
        prices=[100.0, 50.0, 40.0, 30.0],
        benchmark=[0.25, 0.15, 0.3, 0.3],
        lots=specs,
        cash=20_000.0,
        betas=[1.2, 0.8, 1.0, 0.9],
        specific_vol=[0.3, 0.2, 0.25, 0.22],
    )
    return with_trading(
        inp,
        te_budget=0.105,
        te_aversion=0.5,
        max_turnover=1.0,
        cash_min_fraction=0.01,
        cash_max_fraction=0.01,
    )


def refined_best(inp: OptimizationInput, bounds: TradeBounds) -> float:
    """Best grid value, refining a 5-level grid around its best point four times."""
    buyable = np.flatnonzero(bounds.buy_allowed)
    low = np.zeros(inp.n_lots + 1)
    high = np.ones(inp.n_lots + 1)
    best = -np.inf
    for _ in range(5):
        axes = [np.linspace(lo, hi, 5) for lo, hi in zip(low, high, strict=True)]
        points = np.array(list(itertools.product(*axes)))
        sold = points[:, : inp.n_lots]
        share = points[:, -1:]
        split = np.hstack([share, 1 - share]) if buyable.size == 2 else np.ones_like(share)
        bought = pinned_cash_buys(inp, sold, split, buyable)
        objective, feasible = brute_objective(inp, bounds, sold, bought)
        objective = np.where(feasible, objective, -np.inf)
        index = int(np.argmax(objective))
        best = max(best, float(objective[index]))
        step = (high - low) / 4
        low = np.clip(points[index] - step, 0, 1)
        high = np.clip(points[index] + step, 0, 1)
    return best


@pytest.mark.parametrize("n_lots", [3, 4, 6])
def test_quadratic_optimum_beats_every_grid_point_and_matches_the_refined_grid(
    n_lots: int,
) -> None:
    inp = quadratic_instance(n_lots)
    sold, bought, value, bounds = solve_continuous(inp)
    assert np.flatnonzero(bounds.buy_allowed).size == 2
    objective, feasible = brute_objective(inp, bounds, sold[None, :], bought[None, :])
    assert feasible[0]
    assert objective[0] == pytest.approx(value, abs=1e-8)
    coarse, _ = best_on_grid(inp, bounds, np.linspace(0, 1, 6), split_steps=10)
    assert coarse <= value + 1e-9
    assert refined_best(inp, bounds) == pytest.approx(value, abs=2e-6)


def test_carried_forward_losses_keep_part_of_their_value_past_the_cap() -> None:
    """IRC §1212(b): losses past this year's cap carry forward. Valued at half their full
    value they still beat the spread, so the harvest goes further than with no carryforward
    value, and the optimum still matches the brute-force grid."""
    base = with_tax(random_linear_instance(3), loss_value_cap_usd=500.0)
    carried = with_tax(base, carryforward_value=0.5)
    sold_without, _, _, _ = solve_continuous(base)
    sold_with, _, value, bounds = solve_continuous(carried)
    assert refined_best(carried, bounds) == pytest.approx(value, abs=2e-6)
    loss_lots = carried.lot_gain < 0
    assert sold_with[loss_lots].sum() > sold_without[loss_lots].sum() + 1e-3
