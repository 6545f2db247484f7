"""The independent checks: bad trades are removed, portfolio failures reject, execution
re-checks on the latest data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.review.checks import CheckSubject, run_checks
from agent.review.proposal import LotRelief, ProposedTrade
from agent.review.runner import ReviewRunner
from agent.review.screen import screen_trades
from agent.review.snapshot import load_snapshot
from tests.agent.datadir import (
    AS_OF,
    IRA,
    TAXABLE,
    append_transaction,
    close_on,
    read_transactions,
    write_data_dir,
)
from tests.agent.scripted import ScriptedOptimizer, harvest_trades
from tools.household_policy import household_policy

MakeRunner = Callable[..., ReviewRunner]


def _buy(root: Path, symbol: str, quantity: float, account: str = TAXABLE) -> ProposedTrade:
    return ProposedTrade(
        account_id=account,
        symbol=symbol,
        side="buy",
        quantity=quantity,
        est_price=close_on(root, symbol),
        reason="rebalance",
    )


def _subject(root: Path) -> CheckSubject:
    snapshot = load_snapshot(root)
    return CheckSubject(snapshot, "hh-a", household_policy(snapshot.data, "hh-a"))


def test_trades_failing_a_check_are_removed_and_the_rest_rechecked(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    harvest = harvest_trades(data_dir)
    washing_buy = _buy(data_dir, "TAB", 10)  # identical to TAA, sold at a loss in the list
    oversold = harvest[0].model_copy(
        update={
            "quantity": 10_000.0,
            "lots": [LotRelief(lot_id=harvest[0].lots[0].lot_id, quantity=10_000.0)],
        }
    )
    runner = make_runner({TAXABLE: [*harvest, washing_buy, oversold]})

    run = runner.review("hh-a", requested_by="alice")

    assert run.proposal is not None
    assert run.proposal["trades"] == [t.model_dump() for t in harvest]
    stored = runner.services.runs.evaluation(run.run_id)
    assert stored is not None
    removed = {(r["trade"]["symbol"], r["check"]) for r in stored["removed"]}
    assert removed == {("TAB", "wash_sale"), ("TAA", "lot_availability")}
    assert all(check["passed"] for check in run.proposal["checks"])
    rounds = {r.outputs["detail"] for r in runner.services.evidence.find(run.run_id, kind="check")}
    assert any("fail" in detail for detail in rounds)
    assert "removed 2 trades" in run.proposal["rationale"]


def test_restricted_and_held_away_trades_fail(tmp_path: Path) -> None:
    root = write_data_dir(
        tmp_path / "data",
        restrictions=[
            {
                "scope": "household",
                "scope_id": "hh-a",
                "kind": "exclude",
                "target_type": "sector",
                "target": "Energy",
                "reason": "client",
            }
        ],
    )

    outcomes = run_checks(
        _subject(root),
        [_buy(root, "EBB", 10), _buy(root, "TCC", 10), _buy(root, "HCC", 5, account=IRA)],
    )

    by_name = {o.name: o for o in outcomes}
    assert set(by_name["restrictions"].failing) == {0, 2}
    assert "exclude sector Energy" in by_name["restrictions"].failing[0]
    assert "held away" in by_name["restrictions"].failing[2]


def test_cash_check_drops_the_last_unfunded_buys(data_dir: Path) -> None:
    subject = _subject(data_dir)
    cash = subject.snapshot.cash(TAXABLE)
    price = close_on(data_dir, "TCC")
    affordable = _buy(data_dir, "TCC", cash * 0.5 / price)
    too_much = _buy(data_dir, "HCC", cash / close_on(data_dir, "HCC"))

    outcome = next(o for o in run_checks(subject, [affordable, too_much]) if o.name == "cash")

    assert set(outcome.failing) == {1}
    assert outcome.numbers[TAXABLE]["cash_after"] >= 0


def test_tracking_error_above_budget_rejects_the_proposal(tmp_path: Path) -> None:
    root = write_data_dir(tmp_path / "data")
    accounts = (root / "accounts.csv").read_text().replace(",0.03\n", ",0.001\n", 1)
    (root / "accounts.csv").write_text(accounts)
    # Selling most of a whole sector moves TE far from the benchmark.
    snapshot = load_snapshot(root)
    sells = [
        ProposedTrade(
            account_id=TAXABLE,
            symbol=lot.symbol,
            side="sell",
            quantity=lot.quantity,
            est_price=close_on(root, lot.symbol),
            reason="rebalance",
            lots=[LotRelief(lot_id=lot.lot_id, quantity=lot.quantity)],
        )
        for lot in snapshot.open_lots(TAXABLE)
        if lot.symbol in {"EBB", "ECC", "EDD"}
    ]
    runner = ReviewRunner(root, optimizer=ScriptedOptimizer({TAXABLE: sells}))

    run = runner.review("hh-a", requested_by="alice")

    assert run.status == "rejected" and run.proposal is not None
    failed = [c for c in run.proposal["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["tracking_error"]
    assert run.proposal["status_reason"].startswith("checks failed: tracking_error")
    assert runner.pending() == []


def test_execution_recheck_catches_a_purchase_made_after_the_proposal(
    make_runner: MakeRunner, data_dir: Path
) -> None:
    runner = make_runner()
    run = runner.review("hh-a", requested_by="alice")
    assert run.status == "pending_approval"
    # The spouse's IRA buys TAB (a share class of TAA, which the proposal sells at a loss)
    # the same day: IRC §1091(a) and Rev. Rul. 2008-5 would disallow the TAA loss for good.
    append_transaction(
        data_dir,
        {
            "date": AS_OF.isoformat(),
            "account_id": IRA,
            "action": "buy",
            "symbol": "TAB",
            "quantity": "10",
            "price": f"{close_on(data_dir, 'TAB'):.2f}",
        },
    )
    before = read_transactions(data_dir)

    done = runner.approve(run.run_id, "bob")

    assert done.status == "rejected" and done.proposal is not None
    assert "wash_sale" in done.proposal["status_reason"]
    assert runner.services.runs.orders(run.run_id) == []
    assert read_transactions(data_dir) == before
    (execution,) = runner.services.evidence.find(run.run_id, kind="execution")
    assert execution.outputs["executed"] is False


def test_pending_purchase_blocks_the_harvest_of_an_identical_name(tmp_path: Path) -> None:
    root = write_data_dir(
        tmp_path / "data",
        pending=[{"date": "2026-12-01", "account_id": IRA, "symbol": "TAB", "quantity": "50"}],
    )
    subject = _subject(root)
    taa_sale = harvest_trades(root, symbols=("TAA",))[0]

    outcome = next(o for o in run_checks(subject, [taa_sale]) if o.name == "wash_sale")

    assert set(outcome.failing) == {0}
    assert outcome.numbers["pending_counted"] == 1


def _pool(root: Path) -> list[ProposedTrade]:
    """Good trades (the harvest) mixed with bad ones of every kind."""
    harvest = harvest_trades(root)
    oversold = harvest[2].model_copy(
        update={
            "quantity": 5_000.0,
            "lots": [LotRelief(lot_id=harvest[2].lots[0].lot_id, quantity=5_000.0)],
        }
    )
    return [
        *harvest,
        _buy(root, "TAB", 25),
        oversold,
        _buy(root, "HCC", 5, account=IRA),
        _buy(root, "TDD", 2_000),
    ]


@pytest.fixture(scope="module")
def pool_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for every example of the property test (the checks never write)."""
    return write_data_dir(tmp_path_factory.mktemp("pool") / "data")


@settings(max_examples=15, deadline=None, derandomize=True)
@given(choice=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=10, unique=True))
def test_screened_list_passes_every_trade_check(pool_dir: Path, choice: list[int]) -> None:
    pool = _pool(pool_dir)
    trades = [pool[i] for i in choice]

    result = screen_trades(_subject(pool_dir), trades, lambda *_: 0)

    assert len(result.kept) + len(result.removed) == len(trades)
    assert all(trade in trades for trade in result.kept)
    again = run_checks(_subject(pool_dir), result.kept)
    assert not any(outcome.failing for outcome in again)
    assert {r.trade.symbol for r in result.removed if r.check == "wash_sale"} <= {"TAB"}
