"""The generator's action codes name the actions transactions.csv knows."""

from __future__ import annotations

from tools.synthetic.rows import ACTION_NAMES, Action


def test_every_action_code_names_its_action() -> None:
    assert [ACTION_NAMES[action] for action in Action] == [action.name.lower() for action in Action]
