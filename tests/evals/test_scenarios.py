"""The scorecard: every scripted situation through the real review, and its expectation."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from evals.scenarios.builder import TAXABLE, Book
from evals.scenarios.catalog import SCENARIOS, harvests, no_sale_of, status_is
from evals.scenarios.scenario import BAD_INPUT, Outcome, Scenario, run_review, run_scenario


def test_at_least_twenty_distinct_scenarios() -> None:
    names = [scenario.name for scenario in SCENARIOS]
    assert len(names) >= 20
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_passes(scenario: Scenario) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_scenario(scenario)
    assert result.passed, result.failures


def test_expectations_fail_on_the_wrong_outcome() -> None:
    sold = Outcome(
        "pending_approval",
        trades=[
            {
                "account_id": TAXABLE,
                "symbol": "HAA",
                "side": "sell",
                "quantity": 1.0,
                "est_price": 10.0,
                "reason": "harvest",
                "lots": [],
            }
        ],
    )
    assert no_sale_of("HAA")(sold)
    assert not harvests("HAA")(sold)
    assert harvests("TAA")(sold)
    assert status_is("no_action")(sold)
    refused = Outcome(BAD_INPUT, problems=["prices.csv: no price"])
    assert no_sale_of("HAA")(refused)  # a refused review did not show the behaviour


def test_the_data_directory_is_complete_and_loads(tmp_path: Path) -> None:
    outcome = run_review(Book(), tmp_path)
    assert outcome.status != BAD_INPUT
    written = {path.name for path in (tmp_path / "data").iterdir()}
    assert {
        "securities.csv",
        "prices.csv",
        "benchmark.csv",
        "accounts.csv",
        "transactions.csv",
    } <= written
