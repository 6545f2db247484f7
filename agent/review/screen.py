"""Run the independent checks until the trade list is clean: remove, then re-check the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agent.review.checks import CheckOutcome, CheckSubject, run_checks
from agent.review.proposal import CheckResult, ProposedTrade

# Records one check outcome of one round (its number, and the list it checked); returns the
# evidence sequence number of the record.
Recorder = Callable[[int, CheckOutcome, Sequence[ProposedTrade]], int]


@dataclass(frozen=True)
class RemovedTrade:
    trade: ProposedTrade
    check: str
    why: str


@dataclass(frozen=True)
class ScreenResult:
    kept: list[ProposedTrade]
    removed: list[RemovedTrade]
    checks: list[CheckResult]  # the final round's outcomes, with their evidence records
    numbers: dict[str, dict[str, Any]]  # the final round's figures by check name

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


def screen_trades(
    subject: CheckSubject, trades: Sequence[ProposedTrade], record: Recorder
) -> ScreenResult:
    """Remove trades failing trade-level checks until a round removes nothing.

    Each round checks the whole remaining list; the loop ends because the list shrinks.
    """
    kept = list(trades)
    removed: list[RemovedTrade] = []
    round_number = 1
    while True:
        outcomes = run_checks(subject, kept)
        seqs = [record(round_number, outcome, kept) for outcome in outcomes]
        failing = {
            index: (outcome.name, why)
            for outcome in outcomes
            if outcome.removes_trades
            for index, why in outcome.failing.items()
        }
        if not failing:
            checks = [
                CheckResult(name=o.name, passed=o.passed, detail=o.detail, evidence_seq=seq)
                for o, seq in zip(outcomes, seqs, strict=True)
            ]
            return ScreenResult(
                kept=kept,
                removed=removed,
                checks=checks,
                numbers={o.name: o.numbers for o in outcomes},
            )
        removed += [
            RemovedTrade(kept[index], name, why) for index, (name, why) in sorted(failing.items())
        ]
        kept = [trade for index, trade in enumerate(kept) if index not in failing]
        round_number += 1
