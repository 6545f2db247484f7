"""``lotwise users add|list|remove``: who may act on a data directory (``STATE/users.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.common import DataDir, Format, bad_input_exits, check_format, print_json, stderr
from agent.cli.common import stdout as console
from agent.identity import BadIdentityInputError, Role, UserStore, authenticate
from agent.paths import state_dir_for

users_app = typer.Typer(
    help="People who may act here, their roles and tokens (docs/identity.md).",
    no_args_is_help=True,
)

StateDir = Annotated[
    Path | None,
    typer.Option("--state-dir", help="Where users.yaml lives (default DIR/.lotwise)."),
]
Roles = Annotated[
    list[str],
    typer.Option(
        "--role", help="advisor, approver, compliance or admin (repeatable).", show_default=False
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _store(data: Path, state_dir: Path | None) -> UserStore:
    if not data.is_dir():
        raise BadIdentityInputError(f"{data.name}: no such data directory")
    return UserStore.in_state_dir(state_dir_for(data, state_dir))


def _roles(typed: list[str]) -> list[Role]:
    known = {role.value: role for role in Role}
    unknown = [value for value in typed if value.strip().lower() not in known]
    if unknown:
        raise BadIdentityInputError(f"--role {unknown[0]!r}: roles are {', '.join(known)}")
    return [known[value.strip().lower()] for value in typed]


@users_app.command("add")
def add(
    name: str,
    data: DataDir,
    role: Roles,
    fmt: Format = "table",
    state_dir: StateDir = None,
) -> None:
    """Add a person and print their token, once. The first user must be an admin; after that
    an admin adds the others (LOTWISE_USER and LOTWISE_TOKEN)."""
    check_format(fmt)
    with bad_input_exits():
        store = _store(data, state_dir)
        entry, token = store.add(name, _roles(role), by=authenticate(store))
    if fmt == "json":
        print_json({**entry.public(), "token": token})
    else:
        console.print(f"added {entry.name} ({', '.join(entry.roles)}); token:")
        typer.echo(token)
    stderr.print(
        f"The token is shown only now and is not stored: give it to {entry.typed}, who sets "
        "LOTWISE_USER and LOTWISE_TOKEN to act as themselves."
    )


@users_app.command("list")
def list_users(data: DataDir, fmt: Format = "table", state_dir: StateDir = None) -> None:
    """List the users and their roles (never their token hashes)."""
    check_format(fmt)
    with bad_input_exits():
        store = _store(data, state_dir)
        entries = store.users()
    if fmt == "json":
        print_json([entry.public() for entry in entries])
        return
    if not store.exists:
        console.print(
            "no users.yaml: every command acts as the operating-system user, with every role"
        )
        return
    table = Table(title=f"Users ({store.path.name})")
    for column in ("name", "typed", "roles", "added at", "added by"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry.name, entry.typed, ", ".join(entry.roles), entry.added_at, entry.added_by
        )
    console.print(table)


@users_app.command("remove")
def remove(name: str, data: DataDir, state_dir: StateDir = None) -> None:
    """Remove a person (an admin authenticated by token; never the last admin)."""
    with bad_input_exits():
        store = _store(data, state_dir)
        entry = store.remove(name, by=authenticate(store))
    console.print(f"removed {entry.name}; their token no longer works")
