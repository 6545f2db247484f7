"""A scenario: a data directory built in code, the real review run on it, and what must hold."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.review.runner import ReviewRunner
from evals.scenarios.builder import HOUSEHOLD, Book
from tools.errors import DataValidationError

BAD_INPUT = "bad_input"


@dataclass(frozen=True)
class Outcome:
    """What the review produced: its proposal, or the bad-input problems it stopped on."""

    status: str  # the proposal's status, or BAD_INPUT
    trades: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    impact_reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file, row r, column c: message"

    def sells(self, symbol: str) -> list[dict[str, Any]]:
        return [t for t in self.trades if t["side"] == "sell" and t["symbol"] == symbol]

    def buys(self, symbol: str) -> list[dict[str, Any]]:
        return [t for t in self.trades if t["side"] == "buy" and t["symbol"] == symbol]


# Returns what went wrong (empty: the scenario passes).
Expectation = Callable[[Outcome], list[str]]


@dataclass(frozen=True)
class Scenario:
    name: str
    expected: str  # the behaviour, in a sentence
    build: Callable[[], Book]
    check: Expectation


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    expected: str
    passed: bool
    failures: list[str]
    status: str


def run_review(book: Book, workdir: Path) -> Outcome:
    """Write ``book`` under ``workdir`` and run the real review of its household."""
    data = book.write(workdir / "data")
    try:
        record = ReviewRunner(data, state_dir=workdir / "state").review(
            HOUSEHOLD, requested_by="scenario"
        )
    except DataValidationError as error:
        return Outcome(BAD_INPUT, problems=[str(problem) for problem in error.problems])
    proposal = record.proposal or {}
    return Outcome(
        status=proposal.get("status", record.status),
        trades=list(proposal.get("trades", [])),
        metrics=dict(proposal.get("metrics", {})),
        impact_reasons=list(proposal.get("impact_reasons", [])),
    )


def run_scenario(scenario: Scenario) -> ScenarioResult:
    with tempfile.TemporaryDirectory(prefix="lotwise-scenario-") as workdir:
        outcome = run_review(scenario.build(), Path(workdir))
    failures = scenario.check(outcome)
    return ScenarioResult(scenario.name, scenario.expected, not failures, failures, outcome.status)
