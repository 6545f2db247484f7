"""``lotwise users add|list|remove``: the token printed once, admins only, clear errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner, Result

from agent.cli.main import app
from agent.identity import TOKEN_ENV, USER_ENV, UserStore, os_user_name


def _users(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["users", *(str(a) for a in args)], env=env)


def test_users_are_added_listed_and_removed_by_an_admin(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = UserStore.in_state_dir(data / ".lotwise").path

    not_admin = _users("add", "ana", "--role", "advisor", "--data", data)
    first = _users("add", "Adm", "--role", "admin", "--data", data, "--format", "json")
    assert not_admin.exit_code == 2 and "must have the admin role" in not_admin.stderr
    assert first.exit_code == 0, first.output
    added = json.loads(first.stdout)
    assert (added["name"], added["typed"], added["roles"]) == ("adm", "Adm", ["admin"])
    assert "shown only now" in first.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    admin = {USER_ENV: "adm", TOKEN_ENV: added["token"]}

    unsigned = _users("add", "ana", "--role", "advisor", "--data", data, env={USER_ENV: ""})
    bad_role = _users("add", "ana", "--role", "root", "--data", data, env=admin)
    ana = _users("add", "ana", "--role", "Advisor", "--data", data, env=admin)
    again = _users("add", "ANA", "--role", "advisor", "--data", data, env=admin)
    auto = _users("add", "lotwise-auto", "--role", "approver", "--data", data, env=admin)
    assert unsigned.exit_code == 1 and "set LOTWISE_USER" in unsigned.stderr
    assert bad_role.exit_code == 2 and "--role 'root': roles are advisor" in bad_role.stderr
    assert ana.exit_code == 0 and ana.stdout.startswith("added ana (advisor); token:")
    ana_token = ana.stdout.splitlines()[-1]
    assert ana_token not in path.read_text()
    assert again.exit_code == 2 and "already a user" in again.stderr
    assert auto.exit_code == 2 and "reserved for lotwise" in auto.stderr

    listed = _users("list", "--data", data, "--format", "json")
    assert [(u["name"], u["roles"], u["added_by"]) for u in json.loads(listed.stdout)] == [
        ("adm", ["admin"], os_user_name()),
        ("ana", ["advisor"], "adm"),
    ]
    assert "hash" not in listed.stdout and "salt" not in listed.stdout
    table = _users("list", "--data", data)
    assert table.exit_code == 0 and "advisor" in table.stdout

    as_ana = _users("remove", "adm", "--data", data, env={USER_ENV: "ana", TOKEN_ENV: ana_token})
    removed = _users("remove", "Ana", "--data", data, env=admin)
    last = _users("remove", "adm", "--data", data, env=admin)
    assert as_ana.exit_code == 1 and "ana may not manage users" in as_ana.stderr
    assert removed.exit_code == 0 and "removed ana" in removed.stdout
    assert last.exit_code == 1 and "last admin" in last.stderr
    assert [e.name for e in UserStore(path).users()] == ["adm"]


def test_without_users_yaml_list_says_who_acts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    listed = _users("list", "--data", data)
    missing = _users("list", "--data", tmp_path / "nowhere")
    assert listed.exit_code == 0 and "acts as the operating-system user" in listed.stdout
    assert missing.exit_code == 2 and "nowhere: no such data directory" in missing.stderr
    assert not (tmp_path / "nowhere").exists()
