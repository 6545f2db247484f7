"""Fixtures of the identity tests: a state directory with a users.yaml of five people."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.identity import Identity, UserStore
from tests.identity.people import add_people, cheap_scrypt


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_scrypt(monkeypatch)


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore.in_state_dir(tmp_path / "state")


@pytest.fixture
def tokens(store: UserStore) -> dict[str, str]:
    return add_people(store)


@pytest.fixture
def admin(store: UserStore, tokens: dict[str, str]) -> Identity:
    return store.authenticate("adm", tokens["adm"])
