"""Hypothetical restrictions: "exclude tobacco", "without touching energy".

Advisors name sectors, industries or symbols loosely ("energy", "tobacco stocks", "XOM");
``resolve_targets`` maps each name to what the data directory calls it, and
``snapshot_with`` gives the optimizer a snapshot carrying the extra rules. The ledgers and
lots do not depend on restrictions, so they are shared with the original snapshot.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from agent.review.snapshot import Snapshot
from tools.dataset import PortfolioData
from tools.errors import DataValidationError, Problem
from tools.models import Restriction, RestrictionKind, RestrictionTarget

_FILLER = re.compile(
    r"\b(stocks?|names?|shares?|companies|company|sector|industry|the)\b", re.IGNORECASE
)


@dataclasses.dataclass(frozen=True)
class Target:
    target_type: RestrictionTarget
    target: str  # as the data spells it


def _normalized(text: str) -> str:
    words = _FILLER.sub(" ", text).strip().lower()
    return re.sub(r"\s+", " ", words)


def resolve_target(data: PortfolioData, name: str) -> Target:
    """The symbol, sector or industry ``name`` designates (singular or plural, any case)."""
    wanted = _normalized(name)
    symbol = name.strip().upper()
    if symbol in data.securities:
        return Target("symbol", symbol)
    options: list[tuple[RestrictionTarget, str]] = []
    for security in data.securities.values():
        options += [("sector", security.sector), ("industry", security.industry)]
    for target_type, value in dict.fromkeys(options):
        spelled = value.lower()
        if wanted and wanted in (spelled, spelled.rstrip("s"), spelled + "s"):
            return Target(target_type, value)
    for target_type, value in dict.fromkeys(options):
        if wanted and re.search(rf"\b{re.escape(wanted.rstrip('s'))}", value.lower()):
            return Target(target_type, value)
    raise DataValidationError(
        [
            Problem(
                "securities.csv",
                None,
                "sector",
                f"{name!r} is not a symbol, sector or industry of this data directory",
            )
        ]
    )


def resolve_targets(data: PortfolioData, names: Iterable[str]) -> list[Target]:
    return [resolve_target(data, name) for name in names]


def restrictions_for(
    household_id: str, targets: Sequence[Target], kinds: Sequence[RestrictionKind], reason: str
) -> tuple[Restriction, ...]:
    """Household-scope rules of ``kinds`` on ``targets`` (row 0: they are not from a file)."""
    return tuple(
        Restriction(
            row=0,
            scope="household",
            scope_id=household_id,
            kind=kind,
            target_type=target.target_type,
            target=target.target,
            reason=reason,
        )
        for target in targets
        for kind in kinds
    )


def already_restricted(data: PortfolioData, household_id: str, target: Target) -> bool:
    """True when the household already excludes ``target`` (so a what-if changes nothing)."""
    return any(
        rule.kind == "exclude"
        and rule.scope == "household"
        and rule.scope_id == household_id
        and rule.target_type == target.target_type
        and rule.target == target.target
        for rule in data.restrictions
    )


def snapshot_with(snapshot: Snapshot, extra: Sequence[Restriction]) -> Snapshot:
    """``snapshot`` with ``extra`` restrictions in force."""
    if not extra:
        return snapshot
    data = dataclasses.replace(snapshot.data, restrictions=(*snapshot.data.restrictions, *extra))
    # The copy shares the snapshot's ledgers and lots: restrictions change neither.
    return dataclasses.replace(snapshot, data=data)
