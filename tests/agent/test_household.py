"""Accounts of one household are optimized in turn, each seeing what the others sell."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.review.optimize import AccountRequest, AccountTrades
from agent.review.runner import ReviewRunner
from tests.agent.datadir import FALLING, IRA, QUIET_ACCOUNT, TAXABLE, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades


@dataclass
class RecordingOptimizer(ScriptedOptimizer):
    requests: list[AccountRequest] = field(default_factory=list)

    def optimize(self, request: AccountRequest) -> AccountTrades:
        self.requests.append(request)
        return super().optimize(request)


def _with_managed_ira(root: Path) -> Path:
    write_data_dir(root)
    accounts = root / "accounts.csv"
    accounts.write_text(
        accounts.read_text().replace(
            f"{IRA},hh-a,spouse,traditional_ira,false", f"{IRA},hh-a,spouse,traditional_ira,true"
        )
    )
    return root


def test_later_accounts_may_not_buy_what_earlier_ones_sell_at_a_loss(tmp_path: Path) -> None:
    root = _with_managed_ira(tmp_path / "data")
    optimizer = RecordingOptimizer({TAXABLE: harvest_trades(root)})

    ReviewRunner(root, optimizer=optimizer).review("hh-a", requested_by="alice")

    assert [r.account.account_id for r in optimizer.requests] == [TAXABLE, IRA]
    first, second = optimizer.requests
    assert first.blocked_wash_keys == frozenset()
    assert second.blocked_wash_keys == {"group:taa-classes", "symbol:HAA", "symbol:EAA"}


def test_the_optimizer_keeps_the_ira_out_of_harvested_names(tmp_path: Path) -> None:
    root = _with_managed_ira(tmp_path / "data")
    runner = ReviewRunner(root)

    run = runner.review("hh-a", requested_by="alice")

    assert run.proposal is not None
    ira_buys = {
        t["symbol"] for t in run.proposal["trades"] if t["account_id"] == IRA and t["side"] == "buy"
    }
    harvested = {
        t["symbol"]
        for t in run.proposal["trades"]
        if t["account_id"] == TAXABLE and t["reason"] == "harvest"
    }
    assert harvested & {*FALLING, "TAB"}
    assert not ira_buys & {*FALLING, "TAB"}
    stored = runner.services.runs.evaluation(run.run_id)
    assert stored is not None and stored["removed"] == []
    assert all(check["passed"] for check in run.proposal["checks"])


def test_another_households_pending_purchase_does_not_concern_this_one(
    tmp_path: Path,
) -> None:
    root = write_data_dir(
        tmp_path / "data",
        pending=[
            {"date": "2026-11-27", "account_id": QUIET_ACCOUNT, "symbol": "TAB", "quantity": "5"}
        ],
    )
    runner = ReviewRunner(root)

    run = runner.review("hh-a", requested_by="alice")

    assert run.proposal is not None and run.proposal["trades"]
    assert {"TAA", "TAB"} & {
        t["symbol"] for t in run.proposal["trades"] if t["reason"] == "harvest"
    }
    observation = runner.services.evidence.find(run.run_id, kind="tool_call", node="perceive")[
        0
    ].outputs
    assert observation["pending"] == []
