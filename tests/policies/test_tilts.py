"""Tilt bands in the policy: validated like every other key."""

from __future__ import annotations

import pytest

from policies import PolicyError, load_policy


def test_no_tilts_by_default() -> None:
    tilts = load_policy().tilts
    assert tilts.esg is None and tilts.sectors == []


def test_a_household_can_set_its_own_bands() -> None:
    overrides = {
        "households": {
            "h1": {
                "tilts": {
                    "esg": {"target_points": 2.0, "tolerance": 1.0},
                    "sectors": [{"sector": "Energy", "active_weight": -0.02, "tolerance": 0.005}],
                }
            }
        }
    }
    own = load_policy(overrides, "h1").tilts
    assert own.esg is not None and own.esg.target_points == 2.0
    assert [band.sector for band in own.sectors] == ["Energy"]
    assert load_policy(overrides, "h2").tilts.esg is None


@pytest.mark.parametrize(
    ("tilts", "key"),
    [
        ({"esg": {"target_points": 2.0, "tolerance": 0.0}}, "tilts.esg.tolerance"),
        ({"esg": {"target_points": 2.0}}, "tilts.esg.tolerance"),
        ({"esg": {"target_points": 2.0, "tolerance": 1.0, "floor": 3}}, "tilts.esg.floor"),
        (
            {"sectors": [{"sector": "Energy", "active_weight": 2.0, "tolerance": 0.01}]},
            "tilts.sectors.0.active_weight",
        ),
        (
            {
                "sectors": [
                    {"sector": "Energy", "active_weight": 0.01, "tolerance": 0.01},
                    {"sector": "Energy", "active_weight": -0.01, "tolerance": 0.01},
                ]
            },
            "tilts.sectors",
        ),
    ],
)
def test_malformed_bands_name_the_key(tilts: dict[str, object], key: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy({"tilts": tilts})
    assert [p.key for p in caught.value.problems] == [key]
