"""Who is running this process: the operating-system user, or a user of ``users.yaml``.

Without ``users.yaml`` an installation has one kind of identity, the operating-system account
(looked up from the process's user id, not from ``$USER``, which anyone can set), holding every
role. With it, the person names themselves in ``LOTWISE_USER`` and proves it with
``LOTWISE_TOKEN``. Either way a name typed on the command line (``--by``, ``--user``) is only
a confirmation: it must be the authenticated person.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping

from agent.identity.errors import BadIdentityInputError, RefusedError
from agent.identity.identity import ALL_ROLES, AuthMethod, Identity
from agent.identity.names import is_reserved, person_name
from agent.identity.store import UserStore

USER_ENV = "LOTWISE_USER"
TOKEN_ENV = "LOTWISE_TOKEN"


def os_user_name() -> str:
    """The login name of the process's effective user id (``getpass.getuser`` trusts the
    ``LOGNAME``/``USER`` variables first, so it is used only where there is no ``pwd``)."""
    try:
        import pwd  # noqa: PLC0415 (POSIX only)

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        try:
            return getpass.getuser()
        except OSError as error:
            raise RefusedError(
                "cannot tell which operating-system user runs lotwise; add users with "
                "`lotwise users add` and set LOTWISE_USER and LOTWISE_TOKEN"
            ) from error


def authenticate(store: UserStore, env: Mapping[str, str] | None = None) -> Identity:
    """The identity of this process: from ``LOTWISE_USER`` + ``LOTWISE_TOKEN`` when the store
    exists, else the operating-system user with every role."""
    variables = os.environ if env is None else env
    if not store.exists:
        typed = os_user_name()
        return Identity(
            name=person_name(typed), typed=typed, method=AuthMethod.OS_USER, roles=ALL_ROLES
        )
    user, token = variables.get(USER_ENV, ""), variables.get(TOKEN_ENV, "")
    if not user.strip() or not token:
        raise RefusedError(
            f"{store.path.name} lists who may use lotwise here: set {USER_ENV} to your name and "
            f"{TOKEN_ENV} to the token `lotwise users add` printed for you"
        )
    return store.authenticate(user, token)


def acting_as(identity: Identity, typed: str | None, option: str = "--by") -> Identity:
    """``identity``, confirmed by the name typed in ``option`` (kept as the typed form).

    An empty, malformed or reserved name is bad input; another person's name is refused.
    """
    if typed is None:
        return identity
    if is_reserved(typed):
        raise BadIdentityInputError(
            f"{option} {typed!r}: names starting with 'lotwise-' belong to lotwise itself"
        )
    try:
        name = person_name(typed)
    except BadIdentityInputError as error:
        raise BadIdentityInputError(f"{option}: {error}") from error
    if name != identity.name:
        how = (
            f"the operating-system user {identity.typed!r} (no users.yaml)"
            if identity.method is AuthMethod.OS_USER
            else f"{identity.name!r} ({USER_ENV})"
        )
        raise RefusedError(f"{option} {typed!r} is not who is authenticated: you are {how}")
    return Identity(name=identity.name, typed=typed, method=identity.method, roles=identity.roles)


def vouched(store: UserStore, typed: str) -> Identity:
    """A name given by in-process Python code (the runner's API, tests, the demo): no secret
    is checked, the caller vouches. It is still normalized, reserved names are refused, and
    with a ``users.yaml`` it must be a user there and gets only their roles."""
    name = person_name(typed)
    if not store.exists:
        return Identity(name=name, typed=typed, method=AuthMethod.CALLER, roles=ALL_ROLES)
    entry = store.get(typed)
    if entry is None:
        raise RefusedError(f"{typed!r} is not a user of {store.path.name}")
    return Identity(name=name, typed=typed, method=AuthMethod.CALLER, roles=frozenset(entry.roles))
