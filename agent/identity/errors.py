"""The two kinds of identity error, told apart by the exit code a command gives them."""

from __future__ import annotations

BAD_INPUT_EXIT = 2
REFUSED_EXIT = 1


class IdentityError(ValueError):
    """Base of every identity error; ``exit_code`` is what a command exits with."""

    exit_code = REFUSED_EXIT


class BadIdentityInputError(IdentityError):
    """Malformed input: an empty, mixed-script or reserved name, a tampered ``users.yaml``."""

    exit_code = BAD_INPUT_EXIT


class RefusedError(IdentityError):
    """Well-formed but not allowed: wrong token, unknown user, missing role, not you."""

    exit_code = REFUSED_EXIT
