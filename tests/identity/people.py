"""A users.yaml of five people for any test: ``adm`` (admin) and :data:`PEOPLE`."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.identity import TOKEN_ENV, USER_ENV, Role, UserStore, authenticate
from agent.paths import state_dir_for

PEOPLE: dict[str, list[Role]] = {
    "ana": [Role.ADVISOR],
    "ben": [Role.APPROVER],
    "cleo": [Role.COMPLIANCE],
    "dana": [Role.ADVISOR, Role.APPROVER],
}


def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lowest cost users.yaml accepts (n = 2**10): the file records the cost and checks
    run the stored parameters, so only the tests' wall time changes."""
    monkeypatch.setattr("agent.identity.tokens.SCRYPT_N", 2**10)


def add_people(store: UserStore) -> dict[str, str]:
    """``adm`` (admin, added as the OS user) then :data:`PEOPLE`; returns name -> token."""
    _, admin_token = store.add("adm", [Role.ADMIN], by=authenticate(store))
    admin = store.authenticate("adm", admin_token)
    tokens = {"adm": admin_token}
    for name, roles in PEOPLE.items():
        _, tokens[name] = store.add(name, roles, by=admin)
    return tokens


def people_of(data_dir: Path) -> dict[str, str]:
    """:func:`add_people` in the data directory's state directory."""
    return add_people(UserStore.in_state_dir(state_dir_for(data_dir)))


def signed_in(tokens: dict[str, str], name: str, token_of: str | None = None) -> dict[str, str]:
    """The environment of ``name`` signed in (with ``token_of``'s token, to test mismatches)."""
    return {USER_ENV: name, TOKEN_ENV: tokens[token_of or name]}
