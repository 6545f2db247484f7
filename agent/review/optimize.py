"""The seam between the review and the optimizer: one account in, its trade list out.

``ToolsOptimizer`` (the default) runs ``tools.optimizer``; the review context can carry another
implementation (a stricter one, or a fixed list in tests). Whatever it returns still goes
through evaluate's independent checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.review.proposal import ProposedTrade
from agent.review.snapshot import Snapshot
from policies import Policy
from tools.models import Account


@dataclass(frozen=True)
class AccountRequest:
    snapshot: Snapshot
    account: Account
    policy: Policy
    actions: frozenset[str]  # what the planner asked for: harvest, te_repair, ...


@dataclass(frozen=True)
class AccountTrades:
    trades: list[ProposedTrade]
    details: dict[str, Any] = field(default_factory=dict)  # the optimizer's own figures


class AccountOptimizer(Protocol):
    name: str

    def optimize(self, request: AccountRequest) -> AccountTrades: ...


class ToolsOptimizer:
    """The default: ``tools.optimizer`` on the account's inputs."""

    name = "tools.optimizer"

    def optimize(self, request: AccountRequest) -> AccountTrades:
        raise NotImplementedError
