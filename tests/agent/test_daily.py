"""The daily run: every household, failures isolated, same day twice changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from agent.paths import state_dir_for
from agent.review.daily import run_daily, write_summary
from agent.review.optimize import AccountRequest, AccountTrades
from agent.review.runner import ReviewRunner
from tests.agent.datadir import QUIET_ACCOUNT, TAXABLE, read_transactions, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades


@dataclass
class BrokenForOneAccount(ScriptedOptimizer):
    broken: str = QUIET_ACCOUNT

    def optimize(self, request: AccountRequest) -> AccountTrades:
        if request.account.account_id == self.broken:
            raise RuntimeError("solver crashed")
        return super().optimize(request)


def test_daily_reviews_every_household_and_isolates_failures(tmp_path: Path) -> None:
    data_dir = write_data_dir(
        tmp_path / "data", policy={"approval": {"high_impact_first_run": False}}
    )
    optimizer = BrokenForOneAccount({TAXABLE: harvest_trades(data_dir)})
    runner = ReviewRunner(data_dir, optimizer=optimizer)
    seen: list[str] = []

    summary = run_daily(runner, on_household=seen.append)

    assert seen == ["hh-a", "hh-b"]
    assert summary.households == 1 and dict(summary.by_status) == {"executed": 1}
    assert set(summary.failures) == {"hh-b"} and "solver crashed" in summary.failures["hh-b"]
    assert summary.harvested_losses > 10_000 and summary.est_tax_savings > 0
    path = write_summary(state_dir_for(data_dir), summary)
    assert json.loads(path.read_text()) == summary.document()
    assert path.name == "2026-11-20.json"


def test_daily_twice_on_the_same_day_duplicates_nothing(tmp_path: Path) -> None:
    data_dir = write_data_dir(
        tmp_path / "data", policy={"approval": {"high_impact_first_run": False}}
    )
    runner = ReviewRunner(
        data_dir, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)})
    )

    first = run_daily(runner)
    rows = read_transactions(data_dir)
    second = run_daily(runner)

    assert first.document() == second.document()
    assert read_transactions(data_dir) == rows
    assert first.alerts == {QUIET_ACCOUNT: "breach"}
    assert len(runner.services.runs.list()) == 2
