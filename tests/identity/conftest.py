"""Fixtures of the identity tests: a state directory with a users.yaml of five people."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.identity import Identity, Role, UserStore, authenticate

PEOPLE: dict[str, list[Role]] = {
    "ana": [Role.ADVISOR],
    "ben": [Role.APPROVER],
    "cleo": [Role.COMPLIANCE],
    "dana": [Role.ADVISOR, Role.APPROVER],
}


def add_people(store: UserStore) -> dict[str, str]:
    """``adm`` (admin, added as the OS user) then :data:`PEOPLE`; returns name -> token."""
    _, admin_token = store.add("adm", [Role.ADMIN], by=authenticate(store))
    admin = store.authenticate("adm", admin_token)
    tokens = {"adm": admin_token}
    for name, roles in PEOPLE.items():
        _, tokens[name] = store.add(name, roles, by=admin)
    return tokens


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lowest cost users.yaml accepts (n = 2**10): the file records the cost, so checks
    still run the stored parameters; only the tests' wall time changes."""
    monkeypatch.setattr("agent.identity.tokens.SCRYPT_N", 2**10)


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore.in_state_dir(tmp_path / "state")


@pytest.fixture
def tokens(store: UserStore) -> dict[str, str]:
    return add_people(store)


@pytest.fixture
def admin(store: UserStore, tokens: dict[str, str]) -> Identity:
    return store.authenticate("adm", tokens["adm"])
