"""The command grammar: the requests the chat must understand without an LLM."""

from __future__ import annotations

import pytest

from agent.chat.intents import find_household, parse_command

HOUSEHOLDS = ["rivera", "hh-a"]
SYMBOLS = ["QUI", "EAA", "TAB"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "run a harvest review for the Riveras without touching energy",
            {"kind": "review", "household_id": "rivera", "focus": ["harvest"], "avoid": ["energy"]},
        ),
        ("review hh-a", {"kind": "review", "household_id": "hh-a"}),
        (
            "review rivera avoiding QUI and tobacco",
            {"kind": "review", "household_id": "rivera", "avoid": ["QUI", "tobacco"]},
        ),
        ("why wasn't QUI sold?", {"kind": "why_not_sold", "symbol": "QUI"}),
        (
            "Why didn't you sell eaa for the Riveras?",
            {"kind": "why_not_sold", "symbol": "EAA", "household_id": "rivera"},
        ),
        (
            "what would TE be if we exclude tobacco?",
            {"kind": "what_if_exclude", "exclude": ["tobacco"]},
        ),
        (
            "What would tracking error be if we excluded tobacco and energy for the Riveras?",
            {"kind": "what_if_exclude", "household_id": "rivera", "exclude": ["tobacco", "energy"]},
        ),
        ("show pending approvals", {"kind": "pending"}),
        ("Which runs are waiting for approval?", {"kind": "pending"}),
        (
            "approve run rivera-20261120-1",
            {"kind": "approve", "run_id": "rivera-20261120-1", "household_id": "rivera"},
        ),
        (
            "approve rivera-20261120-2 as Dana Lee",
            {
                "kind": "approve",
                "run_id": "rivera-20261120-2",
                "household_id": "rivera",
                "approver": "Dana Lee",
            },
        ),
        ("approve it", {"kind": "approve"}),
        (
            "reject run hh-a-20261120-1 because turnover is too high",
            {
                "kind": "reject",
                "run_id": "hh-a-20261120-1",
                "household_id": "hh-a",
                "reason": "turnover is too high",
            },
        ),
        ("help", {"kind": "help"}),
        ("what's the weather", {"kind": "unknown"}),
    ],
)
def test_the_grammar_reads_the_advisor_requests(text: str, expected: dict[str, object]) -> None:
    intent = parse_command(text, HOUSEHOLDS, SYMBOLS)
    assert intent.model_dump(exclude_defaults=True) == expected


def test_households_are_found_by_id_or_family_name() -> None:
    assert find_household("the Rivera family", HOUSEHOLDS) == "rivera"
    assert find_household("for the Riveras", HOUSEHOLDS) == "rivera"
    assert find_household("for the Smiths", HOUSEHOLDS) is None
