"""users.yaml: tokens checked against salted hashes, roles, atomic 0600 writes, tampering."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from agent.identity import (
    AuthMethod,
    BadIdentityInputError,
    Identity,
    RefusedError,
    Role,
    UserStore,
    authenticate,
)
from agent.identity.session import TOKEN_ENV, USER_ENV, acting_as, os_user_name, vouched


def test_a_person_authenticates_with_their_own_token_only(
    store: UserStore, tokens: dict[str, str]
) -> None:
    ana = store.authenticate("Ana", tokens["ana"])
    assert (ana.name, ana.typed, ana.method, ana.roles) == (
        "ana",
        "Ana",
        AuthMethod.TOKEN,
        frozenset({Role.ADVISOR}),
    )
    with pytest.raises(RefusedError, match="authentication failed for 'ana'"):
        store.authenticate("ana", tokens["ben"])
    with pytest.raises(RefusedError, match="authentication failed"):
        store.authenticate("ana", tokens["ana"] + "x")
    with pytest.raises(RefusedError, match="authentication failed for 'zoe'"):
        store.authenticate("zoe", tokens["ana"])


def test_the_file_holds_salted_hashes_never_a_token(
    store: UserStore, tokens: dict[str, str]
) -> None:
    text = store.path.read_text()
    assert not any(token in text for token in tokens.values())
    entries = yaml.safe_load(text)["users"]
    assert [e["name"] for e in entries] == ["adm", "ana", "ben", "cleo", "dana"]
    salts = {e["token"]["salt"] for e in entries}
    assert len(salts) == len(entries)  # one salt per user
    assert {e["token"]["scheme"] for e in entries} == {"scrypt"}


def test_the_file_is_created_0600_and_written_by_rename(
    store: UserStore, tokens: dict[str, str], admin: Identity
) -> None:
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    before = store.path.stat().st_ino
    store.add("eve", [Role.COMPLIANCE], by=admin)
    assert store.path.stat().st_ino != before  # a new file renamed over the old one
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["users.yaml", "users.yaml.lock"]


def test_a_failed_write_leaves_the_file_as_it_was(
    store: UserStore, tokens: dict[str, str], admin: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        store.add("eve", [Role.COMPLIANCE], by=admin)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["users.yaml", "users.yaml.lock"]


def test_the_first_user_must_be_an_admin(store: UserStore) -> None:
    with pytest.raises(BadIdentityInputError, match=r"first user .* must have the admin role"):
        store.add("ana", [Role.APPROVER], by=authenticate(store))
    assert not store.exists


def test_only_an_admin_authenticated_by_token_changes_the_file(
    store: UserStore, tokens: dict[str, str]
) -> None:
    os_user = Identity("adm", "adm", AuthMethod.OS_USER, frozenset(Role))
    with pytest.raises(RefusedError, match="an admin must authenticate"):
        store.add("eve", [Role.APPROVER], by=os_user)
    ben = store.authenticate("ben", tokens["ben"])
    with pytest.raises(RefusedError, match="ben may not manage users: it needs the admin role"):
        store.add("eve", [Role.APPROVER], by=ben)
    with pytest.raises(RefusedError, match="ben may not manage users"):
        store.remove("ana", by=ben)
    assert [e.name for e in store.users()] == ["adm", "ana", "ben", "cleo", "dana"]


def test_a_removed_user_can_no_longer_authenticate(
    store: UserStore, tokens: dict[str, str], admin: Identity
) -> None:
    store.remove("BEN", by=admin)
    with pytest.raises(RefusedError, match="authentication failed for 'ben'"):
        store.authenticate("ben", tokens["ben"])
    with pytest.raises(RefusedError, match="last admin"):
        store.remove("adm", by=admin)


def test_names_are_checked_and_unique(
    store: UserStore, tokens: dict[str, str], admin: Identity
) -> None:
    with pytest.raises(BadIdentityInputError, match="already a user"):
        store.add(" ANA\u200b", [Role.ADVISOR], by=admin)
    with pytest.raises(BadIdentityInputError, match="reserved for lotwise"):
        store.add("lotwise-auto", [Role.APPROVER], by=admin)
    with pytest.raises(BadIdentityInputError, match="mixes scripts"):
        store.add("\u0430na", [Role.APPROVER], by=admin)  # Cyrillic a
    with pytest.raises(BadIdentityInputError, match="at least one role"):
        store.add("eve", [], by=admin)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text + "users: [\n", "users.yaml line .*: not valid YAML"),
        (
            lambda text: text.replace("- advisor", "- root", 1),
            r"users entry 2 \('ana'\), field roles.0: unknown role 'root'",
        ),
        (
            lambda text: text.replace("name: ben", "name: ana", 1),
            r"users entry 3 \('ben'\), field name: 'ana' is not the normal form 'ben'",
        ),
        (
            lambda text: text.replace("typed: ben", "typed: lotwise-auto", 1).replace(
                "name: ben", "name: lotwise-auto", 1
            ),
            r"users entry 3 \('lotwise-auto'\), field typed: .* reserved",
        ),
        (lambda text: text.replace("scheme: scrypt", "scheme: plain", 1), "field token.scheme"),
        (lambda text: text.replace("n: 1024", "n: 1073741824", 1), "field token.n"),
        (lambda text: text.replace("version: 1", "version: 7"), "field version"),
        (lambda text: "- just a list\n", r"users.yaml, field \(top level\)"),
    ],
)
def test_a_tampered_file_is_a_clear_bad_input_error(
    store: UserStore, tokens: dict[str, str], edit: object, message: str
) -> None:
    store.path.write_text(edit(store.path.read_text()))  # type: ignore[operator]
    with pytest.raises(BadIdentityInputError, match=message) as raised:
        store.authenticate("ana", tokens["ana"])
    assert raised.value.exit_code == 2


def test_a_file_others_may_write_is_refused(store: UserStore, tokens: dict[str, str]) -> None:
    store.path.chmod(0o620)
    with pytest.raises(BadIdentityInputError, match="may be written by other accounts"):
        store.users()


def test_without_users_yaml_the_os_user_acts_with_every_role(store: UserStore) -> None:
    me = authenticate(store, env={USER_ENV: "ben", TOKEN_ENV: "whatever"})
    assert (me.name, me.method, me.roles) == (os_user_name(), AuthMethod.OS_USER, frozenset(Role))
    assert acting_as(me, me.typed.upper()).typed == me.typed.upper()
    with pytest.raises(RefusedError, match="is not who is authenticated"):
        acting_as(me, "someone-else")


def test_with_users_yaml_the_environment_must_authenticate(
    store: UserStore, tokens: dict[str, str]
) -> None:
    with pytest.raises(RefusedError, match="set LOTWISE_USER"):
        authenticate(store, env={})
    with pytest.raises(RefusedError, match="authentication failed"):
        authenticate(store, env={USER_ENV: "ben", TOKEN_ENV: tokens["ana"]})
    ben = authenticate(store, env={USER_ENV: "Ben", TOKEN_ENV: tokens["ben"]})
    assert acting_as(ben, " BEN ").name == "ben"
    for typed, error in [("", BadIdentityInputError), ("ana", RefusedError)]:
        with pytest.raises(error):
            acting_as(ben, typed)
    with pytest.raises(BadIdentityInputError, match="belong to lotwise itself"):
        acting_as(ben, "lotwise-auto")


def test_a_vouched_name_gets_only_its_roles_from_users_yaml(
    store: UserStore, tokens: dict[str, str], tmp_path: Path
) -> None:
    assert vouched(store, "Cleo").roles == frozenset({Role.COMPLIANCE})
    with pytest.raises(RefusedError, match="not a user"):
        vouched(store, "zoe")
    assert vouched(UserStore(tmp_path / "none.yaml"), "zoe").roles == frozenset(Role)
