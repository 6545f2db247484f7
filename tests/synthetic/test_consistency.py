"""Every generated history is internally consistent: nothing sold that is not held, managed
cash never negative, trades at the day's close, at most 4 decimals of a share."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.synthetic.replay import Replay, replay_dataset
from tools.synthetic import build_dataset


def test_sample_directory_replays_without_a_problem(replayed: Replay) -> None:
    assert replayed.problems == []
    assert len(replayed.rows) > 5000
    assert all(quantity >= 0 for quantity in replayed.positions.values())


@settings(max_examples=3, deadline=None, derandomize=True)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    households=st.integers(min_value=0, max_value=3),
    as_of=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2032, 12, 31)),
)
def test_any_generation_replays_without_a_problem(
    seed: int, households: int, as_of: dt.date
) -> None:
    dataset = build_dataset(seed=seed, households=households, as_of=as_of)
    state = replay_dataset(dataset)
    assert state.problems == []
    household_of = {a.account_id: a.household_id for a in dataset.accounts}
    active = {household_of[row["account_id"]] for row in state.rows}
    assert active == {h.household_id for h in dataset.households}
    assert len(active) == households + 1
