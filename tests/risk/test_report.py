"""Risk of accounts and households of a data directory: holdings, budgets, ex-post TE."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tests.risk.datadir import HELD_STOCK, DataDir, write_data_dir
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.loading import load_data_dir
from tools.risk import FactorModel, ex_ante_te, ex_post_te
from tools.risk.report import build_risk_model, measure_account, measure_household


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return write_data_dir(
        tmp_path_factory.mktemp("data"), policy_yaml="tracking_error:\n  budget: 0.015\n"
    )


@pytest.fixture(scope="module")
def data(written: DataDir) -> PortfolioData:
    return load_data_dir(written.root)


@pytest.fixture(scope="module")
def model(data: PortfolioData) -> FactorModel:
    return build_risk_model(data, "pca")


def test_an_account_holding_the_benchmark_has_zero_te_and_no_ex_post_history(
    data: PortfolioData, model: FactorModel
) -> None:
    report = measure_account(data, "A1", model)
    assert report.value == pytest.approx(100_000.0)
    assert report.cash == pytest.approx(0.0, abs=1e-6)
    assert report.te == pytest.approx(0.0, abs=1e-7)
    assert report.status == "ok"
    assert report.budget == 0.015  # policy.yaml, as A1 has no te_budget
    assert all(math.isnan(te) for te in report.ex_post.values())


def test_a_single_stock_account_tracks_like_that_stock(
    written: DataDir, data: PortfolioData, model: FactorModel
) -> None:
    report = measure_account(data, "A2", model)
    assert report.budget == 0.02  # accounts.csv te_budget wins over the policy
    assert report.te == pytest.approx(
        ex_ante_te(model, pd.Series({HELD_STOCK: 1.0}), data.benchmark_weights())
    )
    assert report.status == "breach"
    top = report.attribution.by_security.abs().idxmax()
    assert top == HELD_STOCK
    assert report.accounts[0].top_contributors[0].name == HELD_STOCK


def test_ex_post_te_is_realized_without_jumps_from_deposits_or_the_split(
    written: DataDir, data: PortfolioData, model: FactorModel
) -> None:
    report = measure_account(data, "A2", model)
    stock = written.market.returns[HELD_STOCK]
    benchmark = written.market.returns @ written.market.benchmark
    for window in (63, 252):
        assert report.ex_post[window] == pytest.approx(
            ex_post_te(stock, benchmark, window), rel=1e-6
        )


def test_household_te_combines_managed_accounts_by_value(
    written: DataDir, data: PortfolioData, model: FactorModel
) -> None:
    report = measure_household(data, "H1", model)
    assert [a.account_id for a in report.accounts] == ["A1", "A2"]  # A3 is held away
    last = written.close.iloc[-1]
    values = written.a1_shares * last
    values[HELD_STOCK] = values[HELD_STOCK] + written.a2_shares * last[HELD_STOCK]
    assert report.value == pytest.approx(values.sum())
    combined = values / values.sum()
    assert report.te == pytest.approx(ex_ante_te(model, combined, data.benchmark_weights()))
    assert 0 < report.te < report.accounts[1].te
    assert report.budget == 0.015
    assert [a.budget for a in report.accounts] == [0.015, 0.02]
    assert [alert.account_id for alert in report.alerts()] == ["A1", "A2"]


def test_fundamental_model_report_attributes_to_sector_and_style_factors(
    data: PortfolioData,
) -> None:
    model = build_risk_model(data, "fundamental")
    report = measure_account(data, "A2", model, kind="fundamental")
    assert report.model == "fundamental"
    assert report.attribution.by_factor.sum() == pytest.approx(report.te)
    assert any(name.startswith("sector:") for name in report.attribution.by_factor.index)


@pytest.mark.parametrize(
    ("scope", "scope_id", "column"),
    [("account", "NOPE", "account_id"), ("household", "H9", "household_id")],
)
def test_unknown_ids_name_accounts_csv(
    data: PortfolioData, model: FactorModel, scope: str, scope_id: str, column: str
) -> None:
    measure = measure_account if scope == "account" else measure_household
    with pytest.raises(DataValidationError) as caught:
        measure(data, scope_id, model)
    problem = caught.value.problems[0]
    assert (problem.file, problem.column) == ("accounts.csv", column)
    assert scope_id in problem.message


def test_a_household_without_managed_accounts_is_an_input_error(tmp_path: Path) -> None:
    written = write_data_dir(tmp_path)
    accounts = (written.root / "accounts.csv").read_text().replace(",true,", ",false,")
    (written.root / "accounts.csv").write_text(accounts)
    data = load_data_dir(written.root)
    with pytest.raises(DataValidationError, match="no managed account"):
        measure_household(data, "H1", build_risk_model(data))
