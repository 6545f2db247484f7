"""Input validation, the exact figures of a plan, replacements and the contract views."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.optimizer.instances import LotSpec, make_input, with_tax
from tools.optimizer.errors import InvalidOptimizationInputError
from tools.optimizer.evaluate import TradePlan, evaluate, tax_value, tracking_error
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import optimize
from tools.optimizer.replacement import match_replacements
from tools.optimizer.results import METRIC_CONTRACT_KEYS, TRADE_CONTRACT_KEYS
from tools.optimizer.synthetic import synthetic_input
from tools.risk.model import FactorModel
from tools.risk.tracking import ex_ante_te


def small() -> OptimizationInput:
    lots = [LotSpec(0, 100, 120.0), LotSpec(1, 100, 40.0, long_term=False), LotSpec(2, 100, 30.0)]
    return make_input(prices=[100.0, 50.0, 40.0], benchmark=[0.4, 0.3, 0.3], lots=lots, cash=500.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prices": np.array([100.0, -1.0, 40.0])}, "prices must be positive"),
        ({"lot_quantity": np.array([100.0, np.nan, 1.0])}, "lot_quantity must be finite"),
        ({"benchmark_weights": np.array([0.5, 0.3, 0.3])}, "sum to 1.100000"),
        ({"lot_security": np.array([0, 1, 7])}, "integer indices"),
        ({"excluded": np.zeros(2, dtype=bool)}, "excluded has shape (2,)"),
        ({"lot_ids": ("L0", "L0", "L2")}, "parts of one security"),
        ({"cash": float("inf")}, "cash must be"),
        ({"factor_cov": np.array([[-0.01]])}, "positive semidefinite"),
    ],
)
def test_inconsistent_inputs_are_refused_with_the_reason(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidOptimizationInputError) as caught:
        dataclasses.replace(small(), **changes)
    assert any(message in problem for problem in caught.value.problems)


def test_tracking_error_agrees_with_the_risk_packages_ex_ante_te() -> None:
    inp = synthetic_input(n_securities=30, n_lots=90, n_factors=3, seed=2)
    model = FactorModel(
        symbols=inp.symbols,
        loadings=inp.loadings,
        factor_cov=inp.factor_cov,
        specific_var=inp.specific_var,
        factor_names=("a", "b", "c"),
    )
    expected = ex_ante_te(
        model,
        pd.Series(inp.weights, index=inp.symbols),
        pd.Series(inp.benchmark_weights, index=inp.symbols),
    )
    assert tracking_error(inp, inp.weights) == pytest.approx(expected, rel=1e-12)


def test_plan_figures_follow_the_trades() -> None:
    inp = small()
    figures = evaluate(inp, TradePlan(np.array([100.0, 50.0, 0.0]), np.array([0.0, 0.0, 100.0])))
    assert figures.realized_long == pytest.approx(-2_000.0)
    assert figures.realized_short == pytest.approx(500.0)
    assert figures.harvested_losses == pytest.approx(2_000.0)
    assert figures.spread_cost == pytest.approx(2.5e-4 * (12_500.0 + 4_000.0))
    assert figures.cash_after == pytest.approx(500.0 + 12_500.0 - 4_000.0 - figures.spread_cost)
    assert figures.turnover == pytest.approx(16_500.0 / 2 / inp.account_value)
    assert figures.tax_value == pytest.approx(0.288 * 2_000.0 - 0.458 * 500.0)


def test_capped_tax_value_stops_at_the_cap() -> None:
    inp = with_tax(small(), loss_value_cap_usd=300.0)
    assert tax_value(inp, realized_short=0.0, realized_long=-5_000.0) == 300.0
    assert tax_value(inp, realized_short=1_000.0, realized_long=0.0) == pytest.approx(-458.0)


def test_harvest_sales_are_replaced_by_the_most_correlated_buys() -> None:
    inp = make_input(
        prices=[10.0, 10.0, 10.0, 10.0],
        benchmark=[0.25] * 4,
        lots=[],
        cash=1_000.0,
        betas=[1.0, 1.0, -1.0, 1.0],
        specific_vol=[0.05, 0.05, 0.05, 0.05],
        wash_keys=["symbol:S0", "symbol:S1", "symbol:S2", "symbol:S0"],
    )
    links = match_replacements(
        inp, np.array([1_000.0, 0.0, 0.0, 0.0]), np.array([0.0, 600.0, 5_000.0, 5_000.0])
    )
    # S3 is substantially identical to S0 and S2 moves against it: only S1 replaces it.
    assert [(link.replacement, link.value) for link in links] == [(1, 600.0)]
    assert links[0].correlation > 0.9


def test_trade_and_metric_contract_views_have_exactly_the_contract_keys() -> None:
    inp = dataclasses.replace(small(), lot_basis=np.array([15_000.0, 4_000.0, 3_000.0]))
    result = optimize(inp)
    assert result.trades
    for trade in result.trades:
        assert list(trade.contract_fields()) == list(TRADE_CONTRACT_KEYS)
    assert list(result.metrics.contract_fields()) == list(METRIC_CONTRACT_KEYS)
    harvest = next(t for t in result.trades if t.reason == "harvest")
    assert harvest.replaced_by and all(
        harvest.symbol in buy.replaces for buy in result.buys if buy.symbol in harvest.replaced_by
    )


def test_an_overdrawn_account_sells_to_bring_cash_back_into_its_band() -> None:
    inp = dataclasses.replace(small(), cash=-2_000.0)
    result = optimize(inp)
    assert result.sells and {t.reason for t in result.sells} <= {"cash", "harvest"}
    assert result.metrics.cash_after >= 0.0
    assert all(check.passed for check in result.checks)


def test_value_past_the_cap_counts_at_the_carryforward_fraction() -> None:
    inp = with_tax(small(), loss_value_cap_usd=300.0, carryforward_value=0.5)
    full = -(inp.tax.long_rate * -5_000.0)
    assert tax_value(inp, realized_short=0.0, realized_long=-5_000.0) == pytest.approx(
        300.0 + 0.5 * (full - 300.0)
    )
    assert tax_value(inp, realized_short=1_000.0, realized_long=0.0) == pytest.approx(-458.0)
