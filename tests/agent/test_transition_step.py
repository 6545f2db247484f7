"""A planned transition gives the optimizer this year's step of the sell-down schedule.

The sample household holds about 20% of its joint account in one low-basis name (QUI); the
review's perceive step lists it as concentrated and the rule planner plans a transition.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from agent.review.optimize import AccountRequest, ToolsOptimizer, transition_schedule
from agent.review.snapshot import Snapshot, load_snapshot
from tools.household_policy import household_policy
from tools.optimizer.build import build_input, realized_this_year
from tools.synthetic import generate_data_dir

HOUSEHOLD = "rivera"
JOINT = "rivera-joint"
ROTH = "rivera-roth-taxpayer"
POSITION = "QUI"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    root: Path = tmp_path_factory.mktemp("sample")
    generate_data_dir(root, seed=7)
    return load_snapshot(root)


def _request(snapshot: Snapshot, account_id: str, actions: set[str]) -> AccountRequest:
    return AccountRequest(
        snapshot=snapshot,
        account=snapshot.data.accounts[account_id],
        policy=household_policy(snapshot.data, HOUSEHOLD),
        actions=frozenset(actions),
        concentrated=(POSITION,),
    )


def test_the_step_sells_at_least_this_years_scheduled_shares_within_the_gains_room(
    snapshot: Snapshot,
) -> None:
    request = _request(snapshot, JOINT, {"harvest", "te_repair", "transition"})
    result = ToolsOptimizer().optimize(request)

    schedule = result.details["transition"]
    assert schedule["symbol"] == POSITION
    assert schedule["shares_today_min"] > 0
    assert schedule["years_to_target"] >= 2  # a low-basis position goes out over years
    sold = sum(t.quantity for t in result.trades if t.symbol == POSITION and t.side == "sell")
    assert sold >= schedule["shares_today_min"]
    assert sold <= schedule["shares_today_max"]
    # The year's room: the budget less the net gain realized so far (losses harvested
    # earlier this year widen it).
    room = request.policy.gains_budget.yearly_net_gain_usd - realized_this_year(
        snapshot.ledger(HOUSEHOLD), snapshot.data, HOUSEHOLD
    )
    assert result.realized_gain <= room + 1.0


def test_without_a_planned_transition_the_optimizer_sells_less_of_the_position(
    snapshot: Snapshot,
) -> None:
    planned = ToolsOptimizer().optimize(_request(snapshot, JOINT, {"harvest", "te_repair"}))
    transition = ToolsOptimizer().optimize(
        _request(snapshot, JOINT, {"harvest", "te_repair", "transition"})
    )

    def sold(trades: list) -> float:  # type: ignore[type-arg]
        return sum(t.quantity for t in trades if t.symbol == POSITION and t.side == "sell")

    assert planned.details["transition"] is None
    assert sold(transition.trades) > sold(planned.trades)


def test_ira_type_accounts_and_unsellable_positions_get_no_schedule(snapshot: Snapshot) -> None:
    roth = _request(snapshot, ROTH, {"transition"})
    data = dataclasses.replace(snapshot.data, pending=snapshot.pending_of(HOUSEHOLD))
    roth_inputs = build_input(
        data,
        ROTH,
        ledger=snapshot.ledger(HOUSEHOLD),
        model=snapshot.risk_model,
        policy=roth.policy,
    )
    assert transition_schedule(roth, roth_inputs) is None

    joint = _request(snapshot, JOINT, {"transition"})
    inputs = build_input(
        data,
        JOINT,
        ledger=snapshot.ledger(HOUSEHOLD),
        model=snapshot.risk_model,
        policy=joint.policy,
    )
    assert transition_schedule(joint, inputs) is not None
    no_sell = inputs.no_sell.copy()
    no_sell[inputs.symbols.index(POSITION)] = True
    assert transition_schedule(joint, dataclasses.replace(inputs, no_sell=no_sell)) is None
