"""Fleet households: varied, restricted as recorded, and consistent."""

from __future__ import annotations

import io
from collections import Counter

import pandas as pd
import pytest
import yaml

from policies import load_policy
from tests.synthetic.replay import replay_dataset
from tools.synthetic import SyntheticDataset, build_dataset
from tools.synthetic.writer import render

FLEET = 40


@pytest.fixture(scope="module")
def fleet() -> SyntheticDataset:
    return build_dataset(seed=11, households=FLEET)


def _frame(dataset: SyntheticDataset, name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(render(dataset, name)), dtype=str, keep_default_na=False)


def test_households_have_one_to_three_accounts_around_a_managed_taxable_one(
    fleet: SyntheticDataset,
) -> None:
    accounts = _frame(fleet, "accounts.csv")
    ids = [f"hh-{n:04d}" for n in range(1, FLEET + 1)]
    fleet_accounts = accounts[accounts["household_id"] != "rivera"]
    assert list(fleet_accounts["household_id"].unique()) == ids
    sizes = fleet_accounts.groupby("household_id").size()
    assert sizes.between(1, 3).all() and sizes.nunique() >= 2
    taxable = fleet_accounts[fleet_accounts["account_id"].str.endswith("-taxable")]
    assert len(taxable) == FLEET
    assert set(taxable["managed"]) == {"true"} and set(taxable["tax_type"]) == {"taxable"}
    assert set(taxable["relief_method"]) == {"hifo", "fifo"}
    assert taxable["te_budget"].nunique() >= 3
    kinds = Counter(zip(fleet_accounts["tax_type"], fleet_accounts["managed"], strict=True))
    assert kinds[("traditional_ira", "true")] and kinds[("traditional_ira", "false")]
    assert kinds[("roth_ira", "true")]


def test_household_sizes_vary(fleet: SyntheticDataset) -> None:
    transactions = _frame(fleet, "transactions.csv")
    deposits = transactions[transactions["action"] == "deposit"].assign(
        amount=lambda t: t["quantity"].astype(float),
        household=lambda t: t["account_id"].str[:7],
    )
    funded = deposits[deposits["household"].str.startswith("hh-")].groupby("household")["amount"]
    totals = funded.sum()
    assert totals.max() / totals.min() > 5


def test_restrictions_are_honoured_by_every_account_of_the_household(
    fleet: SyntheticDataset,
) -> None:
    securities = _frame(fleet, "securities.csv").set_index("symbol")
    transactions = _frame(fleet, "transactions.csv")
    restrictions = _frame(fleet, "restrictions.csv")
    fleet_rules = restrictions[restrictions["scope_id"].str.startswith("hh-")]
    assert set(fleet_rules["kind"]) == {"exclude", "no_buy", "no_sell"}
    assert set(fleet_rules["target_type"]) >= {"esg_below", "symbol"}
    for rule in fleet_rules.itertuples():
        household = rule.scope_id[:7]
        rows = transactions[transactions["account_id"].str.startswith(household + "-")]
        if rule.scope == "account":
            rows = rows[rows["account_id"] == rule.scope_id]
        traded = securities.loc[sorted(set(rows["symbol"]) - {""})]
        if rule.target_type == "esg_below":
            hits = traded[traded["esg_score"].astype(float) < float(rule.target)].index
        else:
            column = rule.target_type if rule.target_type != "symbol" else None
            hits = (
                traded.index[traded[column] == rule.target]
                if column
                else traded.index[traded.index == rule.target]
            )
        hit_rows = rows[rows["symbol"].isin(hits)]
        if rule.kind == "exclude":
            assert hit_rows.empty, rule
        elif rule.kind == "no_buy":
            assert not hit_rows["action"].isin(["buy", "reinvest"]).any(), rule
            assert (hit_rows["action"] == "transfer_in").any(), rule
        else:
            assert not (hit_rows["action"] == "sell").any(), rule


def test_tax_profiles_vary_and_load(fleet: SyntheticDataset) -> None:
    overrides = yaml.safe_load(render(fleet, "policy.yaml"))
    rates = set()
    for household in overrides["households"]:
        tax = load_policy(overrides, household).tax
        rates.add((tax.short_rate, tax.long_rate, tax.loss_usage))
    assert len(rates) >= 10


def test_fleet_history_is_consistent(fleet: SyntheticDataset) -> None:
    state = replay_dataset(fleet)
    assert state.problems == []
    assert len(state.rows) > 20_000
