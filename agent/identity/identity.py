"""Who is acting: an authenticated :class:`Identity`, its roles, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from agent.identity.errors import RefusedError
from agent.identity.names import AUTO_APPROVER


class Role(StrEnum):
    ADVISOR = "advisor"  # requests reviews (the requester of a proposal)
    APPROVER = "approver"  # approves or rejects proposals
    COMPLIANCE = "compliance"  # reads and verifies evidence
    ADMIN = "admin"  # manages users.yaml


ALL_ROLES = frozenset(Role)


class AuthMethod(StrEnum):
    OS_USER = "os-user"  # no users.yaml: the operating-system account running the command
    TOKEN = "token"  # users.yaml: LOTWISE_USER + LOTWISE_TOKEN checked against its hash
    CALLER = "caller"  # named by in-process Python code, which vouches for it (no secret)
    SYSTEM = "system"  # lotwise itself (daily runs, auto-approval by policy)


class Action(StrEnum):
    REQUEST_REVIEW = "request a review"
    APPROVE = "approve"
    REJECT = "reject"
    MANAGE_USERS = "manage users"


# Separation of duties: requesting is the advisor's, deciding the approver's, managing users
# the admin's. An admin is not implicitly an advisor or approver: roles are granted explicitly
# in users.yaml, where a reader sees them.
PERMITTED: dict[Action, frozenset[Role]] = {
    Action.REQUEST_REVIEW: frozenset({Role.ADVISOR}),
    Action.APPROVE: frozenset({Role.APPROVER}),
    Action.REJECT: frozenset({Role.APPROVER}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Identity:
    """A person (or lotwise itself) as established by one authentication.

    ``name`` is the normal form (see :mod:`agent.identity.names`), the only form compared;
    ``typed`` is what the person typed or the store holds, kept for the record.
    """

    name: str
    typed: str
    method: AuthMethod
    roles: frozenset[Role]

    def may(self, action: Action) -> bool:
        return bool(self.roles & PERMITTED[action])

    def require(self, action: Action) -> None:
        """:class:`RefusedError` unless one of the identity's roles permits ``action``."""
        if not self.may(action):
            needed = " or ".join(sorted(PERMITTED[action]))
            held = ", ".join(sorted(self.roles)) or "none"
            raise RefusedError(
                f"{self.name} may not {action.value}: it needs the {needed} role "
                f"(roles held: {held})"
            )

    @property
    def is_system(self) -> bool:
        return self.method is AuthMethod.SYSTEM

    def evidence(self) -> dict[str, str | list[str]]:
        """What the evidence records about who acted and how: never a token or its hash."""
        return {
            "name": self.name,
            "typed": self.typed,
            "method": self.method.value,
            "roles": sorted(role.value for role in self.roles),
        }


SYSTEM_IDENTITY = Identity(
    name=AUTO_APPROVER,
    typed=AUTO_APPROVER,
    method=AuthMethod.SYSTEM,
    roles=frozenset({Role.ADVISOR}),  # requests the daily reviews; never approves a person's
)
