"""The policy schema: defaults, overrides, per-household sections, errors and version hash."""

from __future__ import annotations

import pytest

from policies import PolicyError, load_policy, parse_overrides, policy_version_hash


def test_default_policy_rates_combine_federal_state_and_niit() -> None:
    policy = load_policy()
    assert policy.tax.short_rate == pytest.approx(0.37 + 0.05 + 0.038)
    assert policy.tax.long_rate == pytest.approx(0.20 + 0.05 + 0.038)
    assert policy.tracking_error.budget == 0.01
    assert policy.tracking_error.warn_fraction == 0.8


def test_top_level_override_applies_and_changes_the_version_hash() -> None:
    base = load_policy()
    lowered = load_policy({"tax": {"state": 0.0}})
    assert lowered.tax.state == 0.0
    assert lowered.tax.federal_short == base.tax.federal_short
    assert policy_version_hash(lowered) != policy_version_hash(base)


def test_household_section_overrides_only_that_household() -> None:
    overrides = {
        "harvest": {"min_loss_usd": 500},
        "households": {"hh-1": {"harvest": {"min_loss_usd": 2000}}},
    }
    assert load_policy(overrides, "hh-1").harvest.min_loss_usd == 2000
    assert load_policy(overrides, "hh-2").harvest.min_loss_usd == 500


def test_version_hash_ignores_yaml_key_order_and_comments() -> None:
    first = parse_overrides("tax:\n  state: 0.02\n  niit: 0.0\n")
    second = parse_overrides("# comment\ntax: {niit: 0.0, state: 0.02}\n")
    assert policy_version_hash(load_policy(first)) == policy_version_hash(load_policy(second))


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"tax": {"stat": 0.01}}, "tax.stat", "unknown policy key"),
        ({"tax": {"state": 1.5}}, "tax.state", "less than or equal to 1"),
        ({"tax": {"loss_usage": "sometimes"}}, "tax.loss_usage", "unlimited"),
        ({"tracking_error": {"budget": 0}}, "tracking_error.budget", "greater than 0"),
        ({"cash": {"min_fraction": 0.5, "max_fraction": 0.1}}, "cash", "min_fraction"),
        ({"tax": {"federal_short": 0.6, "state": 0.3, "niit": 0.2}}, "tax", "below 1"),
        ({"harvest": 3}, "harvest", "must be a mapping"),
        ({"households": ["a"]}, "households", "household ids"),
    ],
)
def test_impossible_policies_name_the_key(overrides: dict, key: str, words: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(overrides, "hh-1")
    problem = caught.value.problems[0]
    assert problem.key == key
    assert words in problem.message


def test_malformed_yaml_and_non_mapping_are_rejected() -> None:
    with pytest.raises(PolicyError, match="not valid YAML"):
        parse_overrides("tax: [unclosed")
    with pytest.raises(PolicyError, match="mapping"):
        parse_overrides("- 1\n- 2\n")
    assert parse_overrides("") == {}
