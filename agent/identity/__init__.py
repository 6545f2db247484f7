"""Identities, roles and the four-eyes rule's notion of "the same person".

Shared by the CLI, the chat and (later) the web app; nothing here prints or parses arguments.

- :mod:`.names`: ``normalize_name``, ``person_name``, ``same_person``, reserved names;
- :mod:`.identity`: ``Identity``, ``Role``, ``Action`` (what each role may do), ``AuthMethod``;
- :mod:`.store`: ``UserStore`` over ``STATE/users.yaml`` (add, remove, authenticate);
- :mod:`.session`: ``authenticate`` (OS user or ``LOTWISE_USER`` + ``LOTWISE_TOKEN``),
  ``acting_as`` (a typed ``--by`` must be that person), ``vouched`` (in-process callers).
"""

from agent.identity.errors import BadIdentityInputError, IdentityError, RefusedError
from agent.identity.identity import (
    ALL_ROLES,
    PERMITTED,
    SYSTEM_IDENTITY,
    Action,
    AuthMethod,
    Identity,
    Role,
)
from agent.identity.names import (
    AUTO_APPROVER,
    RESERVED_PREFIX,
    comparison_key,
    is_reserved,
    normalize_name,
    person_name,
    same_person,
)
from agent.identity.session import (
    TOKEN_ENV,
    USER_ENV,
    acting_as,
    authenticate,
    os_user_name,
    vouched,
)
from agent.identity.store import USERS_FILE, UserEntry, UserStore

__all__ = [
    "ALL_ROLES",
    "AUTO_APPROVER",
    "PERMITTED",
    "RESERVED_PREFIX",
    "SYSTEM_IDENTITY",
    "TOKEN_ENV",
    "USERS_FILE",
    "USER_ENV",
    "Action",
    "AuthMethod",
    "BadIdentityInputError",
    "Identity",
    "IdentityError",
    "RefusedError",
    "Role",
    "UserEntry",
    "UserStore",
    "acting_as",
    "authenticate",
    "comparison_key",
    "is_reserved",
    "normalize_name",
    "os_user_name",
    "person_name",
    "same_person",
    "vouched",
]
