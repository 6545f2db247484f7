"""The generated directory follows CONTRACTS.md section 1 and loads cleanly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from policies import load_policy
from tests.synthetic.replay import read_csv
from tools.loading import load_data_dir, validate_data_dir
from tools.models import ACTIONS, RELIEF_METHODS, TAX_TYPES
from tools.synthetic import DEFAULT_AS_OF, GenerationSummary

EXPECTED_HEADERS = {
    "securities.csv": "symbol,name,sector,industry,esg_score,identical_group",
    "prices.csv": "date,symbol,close,adj_close",
    "benchmark.csv": "symbol,weight",
    "accounts.csv": "account_id,household_id,owner,tax_type,managed,relief_method,te_budget",
    "transactions.csv": "date,account_id,action,symbol,quantity,price,lot_id,acquired_date,"
    "cost_basis",
    "restrictions.csv": "scope,scope_id,kind,target_type,target,reason",
    "pending.csv": "date,account_id,action,symbol,quantity",
}


def test_every_file_has_the_contract_columns(data_dir: Path) -> None:
    for name, header in EXPECTED_HEADERS.items():
        first_line = (data_dir / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first_line == header, name
    assert (data_dir / "policy.yaml").is_file()


def test_the_loader_accepts_the_directory(data_dir: Path, summary: GenerationSummary) -> None:
    assert validate_data_dir(data_dir) == []
    portfolio = load_data_dir(data_dir)
    assert portfolio.as_of == DEFAULT_AS_OF == summary.as_of
    assert len(portfolio.securities) == summary.securities == 504
    assert list(portfolio.households) == ["rivera", "hh-0001", "hh-0002", "hh-0003"]
    assert len(portfolio.transactions) == summary.transactions
    assert len(portfolio.pending) == summary.pending
    assert len(portfolio.restrictions) == summary.restrictions
    assert portfolio.close.shape == (summary.trading_days, 504)
    assert abs(portfolio.benchmark_weights().sum() - 1.0) < 1e-12


def test_cells_use_contract_vocabularies(data_dir: Path) -> None:
    accounts = read_csv(data_dir / "accounts.csv")
    assert {a["tax_type"] for a in accounts} <= set(TAX_TYPES)
    assert {a["relief_method"] for a in accounts} <= set(RELIEF_METHODS)
    assert {a["managed"] for a in accounts} == {"true", "false"}
    transactions = read_csv(data_dir / "transactions.csv")
    assert {t["action"] for t in transactions} <= set(ACTIONS)
    dates = {t["date"] for t in transactions}
    assert all(dt.date.fromisoformat(d).weekday() < 5 for d in dates)
    for row in read_csv(data_dir / "restrictions.csv"):
        assert row["scope"] in {"household", "account"}
        assert row["kind"] in {"exclude", "no_buy", "no_sell"}
        assert row["target_type"] in {"symbol", "sector", "industry", "esg_below"}


def test_benchmark_weights_sum_to_exactly_one(data_dir: Path, securities: pd.DataFrame) -> None:
    rows = read_csv(data_dir / "benchmark.csv")
    weights = [Decimal(row["weight"]) for row in rows]
    assert sum(weights) == Decimal(1)
    assert all(w > 0 for w in weights)
    funds = set(securities.loc[securities["sector"] == "Funds", "symbol"])
    members = {row["symbol"] for row in rows}
    assert len(members) == len(rows) == 502
    assert members == set(securities["symbol"]) - funds
    # Cap-weighted from lognormal caps: a few percent at the top, basis points at the bottom.
    assert Decimal("0.01") < max(weights) < Decimal("0.06")
    assert max(weights) / min(weights) > 100


def test_policy_overrides_load_for_every_household(data_dir: Path) -> None:
    overrides = yaml.safe_load((data_dir / "policy.yaml").read_text(encoding="utf-8"))
    households = {a["household_id"] for a in read_csv(data_dir / "accounts.csv")}
    assert set(overrides["households"]) == households
    for household in households:
        policy = load_policy(overrides, household)
        assert policy.tax.short_rate < 1.0
    rivera = load_policy(overrides, "rivera").tax
    assert (rivera.federal_short, rivera.federal_long, rivera.state, rivera.niit) == (
        0.37,
        0.20,
        0.05,
        0.038,
    )
