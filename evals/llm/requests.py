"""Advisor requests and the intent each should be read as (the intent-accuracy set).

Canonical phrasings (the command grammar's) are mixed with paraphrases a person would type;
the grammar is expected to miss some of the paraphrases, which is what a model is for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HOUSEHOLDS = ("rivera",)
SYMBOLS = ("QUI", "FLEB", "SHUZ", "GRUS", "FUL", "CROL")


@dataclass(frozen=True)
class Case:
    text: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)  # expected intent fields


CASES: tuple[Case, ...] = (
    Case(
        "run a harvest review for the Riveras without touching energy",
        "review",
        {"household_id": "rivera", "focus": ["harvest"], "avoid": ["energy"]},
    ),
    Case("Review the Rivera household", "review", {"household_id": "rivera"}),
    Case(
        "Can you rebalance the Riveras but leave tobacco alone?",
        "review",
        {"household_id": "rivera", "avoid": ["tobacco"]},
    ),
    Case(
        "harvest losses for rivera, avoid QUI",
        "review",
        {"household_id": "rivera", "focus": ["harvest"], "avoid": ["QUI"]},
    ),
    Case(
        "Do a tax-loss harvesting pass for the Riveras",
        "review",
        {"household_id": "rivera", "focus": ["harvest"]},
    ),
    Case("Kick off today's review for rivera", "review", {"household_id": "rivera"}),
    Case("why wasn't QUI sold?", "why_not_sold", {"symbol": "QUI"}),
    Case("Why didn't we sell FLEB?", "why_not_sold", {"symbol": "FLEB"}),
    Case(
        "What stopped you from selling SHUZ for the Riveras?",
        "why_not_sold",
        {"symbol": "SHUZ", "household_id": "rivera"},
    ),
    Case("Explain why GRUS is still in the portfolio", "why_not_sold", {"symbol": "GRUS"}),
    Case("QUI wasn't sold - why?", "why_not_sold", {"symbol": "QUI"}),
    Case("what would TE be if we exclude tobacco?", "what_if_exclude", {"exclude": ["tobacco"]}),
    Case(
        "What would tracking error look like if we excluded energy for the Riveras?",
        "what_if_exclude",
        {"household_id": "rivera", "exclude": ["energy"]},
    ),
    Case(
        "If we exclude tobacco stocks, how much does TE go up?",
        "what_if_exclude",
        {"exclude": ["tobacco"]},
    ),
    Case("TE impact of excluding QUI", "what_if_exclude", {"exclude": ["QUI"]}),
    Case(
        "How would tracking error change without utilities?",
        "what_if_exclude",
        {"exclude": ["utilities"]},
    ),
    Case("show pending approvals", "pending"),
    Case("What's waiting for my approval?", "pending"),
    Case("list the runs that need approval", "pending"),
    Case("anything pending?", "pending"),
    Case("Which proposals haven't been signed off yet?", "pending"),
    Case("approve run rivera-20261120-1", "approve", {"run_id": "rivera-20261120-1"}),
    Case(
        "approve rivera-20261120-2 as Dana Lee",
        "approve",
        {"run_id": "rivera-20261120-2", "approver": "Dana Lee"},
    ),
    Case(
        "Please approve run rivera-20261120-1, I'm Sam Ortiz",
        "approve",
        {"run_id": "rivera-20261120-1", "approver": "Sam Ortiz"},
    ),
    Case("sign off on rivera-20261120-1", "approve", {"run_id": "rivera-20261120-1"}),
    Case(
        "reject run rivera-20261120-1 because turnover is too high",
        "reject",
        {"run_id": "rivera-20261120-1"},
    ),
    Case(
        "Turn down rivera-20261120-3: too many short-term gains",
        "reject",
        {"run_id": "rivera-20261120-3"},
    ),
    Case("help", "help"),
    Case("what can you do?", "help"),
    Case("what's the weather in Lisbon", "unknown"),
)
