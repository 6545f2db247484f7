"""``STATE/users.yaml``: the people who may act, their roles and their token hashes.

The file is the only place identities live. It is written only by :class:`UserStore` (under
an exclusive lock, as a temporary file renamed over the old one, mode 0600), read on every
authentication, and refused when it is malformed or when other accounts may write to it (as
ssh refuses a group-writable ``authorized_keys``): whoever can write it could make themselves
an approver.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.identity.errors import BadIdentityInputError, RefusedError
from agent.identity.identity import Action, AuthMethod, Identity, Role
from agent.identity.names import person_name
from agent.identity.tokens import TokenHash, burn_time, hash_token, new_token

USERS_FILE = "users.yaml"
FORMAT_VERSION = 1
HEADER = "# lotwise users: edit with `lotwise users add|remove` (see docs/identity.md)\n"


class UserEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str  # normal form, the key
    typed: str  # as the admin typed it
    roles: list[Role] = Field(min_length=1)
    token: TokenHash
    added_at: str
    added_by: str

    def identity(self, typed: str | None = None) -> Identity:
        return Identity(
            name=self.name,
            typed=typed if typed is not None else self.typed,
            method=AuthMethod.TOKEN,
            roles=frozenset(self.roles),
        )

    def public(self) -> dict[str, Any]:
        """The entry without its token hash (for listings)."""
        return {
            "name": self.name,
            "typed": self.typed,
            "roles": [role.value for role in self.roles],
            "added_at": self.added_at,
            "added_by": self.added_by,
        }


class UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=FORMAT_VERSION, le=FORMAT_VERSION)
    users: list[UserEntry]


class UserStore:
    """The identity file of one state directory; absent means "act as the OS user"."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> UserStore:
        return cls(state_dir / USERS_FILE)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    # -- reading ---------------------------------------------------------------------------

    def users(self) -> list[UserEntry]:
        """Every entry, validated; :class:`BadIdentityInputError` naming the entry and field
        when the file is malformed."""
        if not self.exists:
            return []
        self._check_permissions()
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise BadIdentityInputError(
                f"{self.path.name}{where}: not valid YAML ({_first_line(error)})"
            ) from error
        try:
            parsed = UsersFile.model_validate(raw)
        except ValidationError as error:
            raise BadIdentityInputError(_describe(self.path.name, raw, error)) from error
        seen: set[str] = set()
        for number, entry in enumerate(parsed.users, 1):
            where = f"{self.path.name}: users entry {number} ({entry.typed!r})"
            try:
                normal = person_name(entry.typed)
            except BadIdentityInputError as error:
                raise BadIdentityInputError(f"{where}, field typed: {error}") from error
            if normal != entry.name:
                raise BadIdentityInputError(
                    f"{where}, field name: {entry.name!r} is not the normal form {normal!r}"
                )
            if normal in seen:
                raise BadIdentityInputError(f"{where}, field name: {normal!r} appears twice")
            seen.add(normal)
        return parsed.users

    def get(self, typed: str) -> UserEntry | None:
        name = person_name(typed)
        return next((entry for entry in self.users() if entry.name == name), None)

    def authenticate(self, typed: str, token: str) -> Identity:
        """The identity of ``typed`` when ``token`` is theirs; :class:`RefusedError` otherwise
        (an unknown name and a wrong token get the same answer, after the same work)."""
        entry = self.get(typed)
        if entry is None:
            burn_time(token)
        elif entry.token.matches(token):
            return entry.identity(typed)
        raise RefusedError(
            f"authentication failed for {typed!r}: no such user in {self.path.name} "
            "or a wrong token"
        )

    # -- writing ---------------------------------------------------------------------------

    def add(self, typed: str, roles: Iterable[Role], by: Identity) -> tuple[UserEntry, str]:
        """Add a person; returns the entry and the token, which is not stored and cannot be
        shown again. The first user must be an admin (who then adds the others); later ones
        are added by an admin authenticated against this file."""
        wanted = sorted(set(roles))
        if not wanted:
            raise BadIdentityInputError("a user needs at least one role (--role)")
        name = person_name(typed)
        token = new_token()
        with self._locked() as users:
            if users:
                self._require_admin(by, users)
            elif Role.ADMIN not in wanted:
                raise BadIdentityInputError(
                    f"the first user of {self.path.name} must have the admin role, to add the "
                    "others (--role admin)"
                )
            if any(entry.name == name for entry in users):
                raise BadIdentityInputError(f"{typed!r} is already a user ({name})")
            entry = UserEntry(
                name=name,
                typed=typed.strip(),
                roles=wanted,
                token=hash_token(token),
                added_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                added_by=by.name,
            )
            self._write([*users, entry])
        return entry, token

    def remove(self, typed: str, by: Identity) -> UserEntry:
        name = person_name(typed)
        with self._locked() as users:
            self._require_admin(by, users)
            entry = next((e for e in users if e.name == name), None)
            if entry is None:
                raise BadIdentityInputError(f"{typed!r} is not a user of {self.path.name}")
            rest = [e for e in users if e.name != name]
            if not any(Role.ADMIN in e.roles for e in rest):
                raise RefusedError(f"{entry.name} is the last admin: add another admin first")
            self._write(rest)
        return entry

    def _require_admin(self, by: Identity, users: list[UserEntry]) -> None:
        """``by`` must be an admin authenticated by token against this very file."""
        current = next((e for e in users if e.name == by.name), None)
        if by.method is not AuthMethod.TOKEN or current is None:
            raise RefusedError(
                f"{self.path.name} exists: an admin must authenticate "
                "(LOTWISE_USER and LOTWISE_TOKEN) to change it"
            )
        current.identity().require(Action.MANAGE_USERS)

    @contextmanager
    def _locked(self) -> Iterator[list[UserEntry]]:
        """The current entries, read under an exclusive lock held until the write is done."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield self.users()
        finally:
            os.close(descriptor)  # closing releases the lock

    def _write(self, users: list[UserEntry]) -> None:
        """Write the whole file atomically: a 0600 temporary file, fsync, rename, fsync dir."""
        document = UsersFile(version=FORMAT_VERSION, users=users).model_dump(mode="json")
        text = HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )  # mkstemp creates the file with mode 0600
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _check_permissions(self) -> None:
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise BadIdentityInputError(
                f"{self.path.name} may be written by other accounts (mode {mode:04o}): anyone "
                f"could make themselves an approver; run chmod 600 on it"
            )


def _first_line(error: Exception) -> str:
    return str(getattr(error, "problem", None) or error).splitlines()[0]


def _describe(file_name: str, raw: object, error: ValidationError) -> str:
    """The first validation problem, as ``users.yaml: users entry N ('name'), field F: ...``."""
    problem = error.errors()[0]
    location = list(problem["loc"])
    where = file_name
    if len(location) >= 2 and location[0] == "users" and isinstance(location[1], int):
        number = location[1]
        typed = None
        if isinstance(raw, dict) and isinstance(raw.get("users"), list):
            entry = raw["users"][number]
            typed = entry.get("typed") if isinstance(entry, dict) else None
        where += f": users entry {number + 1}" + (f" ({typed!r})" if typed else "")
        location = location[2:]
    field = ".".join(str(part) for part in location) or "(top level)"
    message = problem["msg"]
    if location[:1] == ["roles"] and problem["type"] == "enum":
        message = f"unknown role {problem['input']!r} (roles: {', '.join(r.value for r in Role)})"
    return f"{where}, field {field}: {message}"
