"""What a compiled problem depends on, and reusing it for a daily re-solve."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import ProblemCache, optimize
from tools.optimizer.problem import compile_problem
from tools.optimizer.structure import factor_exposure, structure_of
from tools.optimizer.synthetic import synthetic_input


@pytest.fixture(scope="module")
def account() -> OptimizationInput:
    return synthetic_input(n_securities=40, n_lots=200, n_factors=4, account_value=1e6, seed=5)


def test_daily_numbers_keep_the_key_and_lots_or_risk_model_change_it(
    account: OptimizationInput,
) -> None:
    key = structure_of(account).key
    next_day = dataclasses.replace(
        account,
        prices=account.prices * 1.01,
        cash=account.cash + 1,
        wash_blocked=~account.wash_blocked,
    )
    assert structure_of(next_day).key == key
    fewer_lots = dataclasses.replace(
        account,
        lot_ids=account.lot_ids[:-1],
        lot_security=account.lot_security[:-1],
        lot_quantity=account.lot_quantity[:-1],
        lot_basis=account.lot_basis[:-1],
        lot_long_term=account.lot_long_term[:-1],
        lot_wash_disallowed=account.lot_wash_disallowed[:-1],
    )
    assert structure_of(fewer_lots).key != key
    aged = dataclasses.replace(account, lot_long_term=np.ones(account.n_lots, dtype=bool))
    assert structure_of(aged).key != key
    remodeled = dataclasses.replace(account, specific_var=account.specific_var * 1.1)
    assert structure_of(remodeled).key != key


def test_factor_exposure_reproduces_the_factor_covariance(account: OptimizationInput) -> None:
    exposure = factor_exposure(account.loadings, account.factor_cov)
    assert exposure.T @ exposure == pytest.approx(
        account.loadings @ account.factor_cov @ account.loadings.T, abs=1e-12
    )


def test_the_compiled_problem_is_dpp() -> None:
    compiled = compile_problem(
        structure_of(synthetic_input(n_securities=20, n_lots=60, n_factors=3))
    )
    assert compiled.problem.is_dpp()
    assert compiled.min_te_problem().is_dpp()


def test_a_warm_re_solve_reuses_the_problem_and_matches_a_cold_solve(
    account: OptimizationInput,
) -> None:
    cache = ProblemCache(capacity=2)
    first = optimize(account, cache=cache)
    next_day = dataclasses.replace(
        account, prices=account.prices * np.linspace(0.97, 1.03, account.n_securities)
    )
    warm = optimize(next_day, cache=cache)
    cold = optimize(next_day)
    assert not first.timings.reused_problem and warm.timings.reused_problem
    assert first.timings.dpp and warm.timings.dpp and not cold.timings.dpp
    assert warm.timings.build_seconds == 0.0 and len(cache) == 1
    assert [t.contract_fields() for t in warm.trades] == [t.contract_fields() for t in cold.trades]
    assert warm.metrics.est_tax_savings == pytest.approx(cold.metrics.est_tax_savings)


def test_the_cache_drops_the_least_recently_used_problem() -> None:
    cache = ProblemCache(capacity=2)
    structures = [
        structure_of(synthetic_input(n_securities=10, n_lots=20, n_factors=2, seed=s))
        for s in range(3)
    ]
    for structure in structures:
        cache.get(structure)
    assert len(cache) == 2
    assert cache.get(structures[2])[1] and not cache.get(structures[0])[1]
