"""Failures every command reports the same way: one line on stderr, an exit code, no traceback.

| exit | meaning |
|---|---|
| 0 | done |
| 1 | refused or failed: a decision not allowed, a failed check, a household that failed, or the
     file system would not let lotwise read or write (disk full, read-only folder, no
     permission); the line names the path |
| 2 | bad input: data, policy, ids, options; each problem names file, row and column |

The storage failures are caught once, around every command, so a write deep inside SQLite or
an atomic file replacement ends in the same single line as a check at the top of a command.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

import typer
from typer.core import TyperGroup

from agent.cli.common import BAD_INPUT_EXIT, print_error, print_problems
from agent.paths import active_state_dir
from tools.errors import DataValidationError
from tools.ids import InvalidIdError

STORAGE_EXIT = 1


def storage_message(error: OSError | sqlite3.Error) -> str:
    """One line naming the path (or, for SQLite, the state folder) and what went wrong."""
    if isinstance(error, OSError):
        path = error.filename if error.filename is not None else active_state_dir()
        reason = error.strerror or str(error)
        return f"cannot use {path}: {reason}" if path is not None else f"storage error: {reason}"
    folder = active_state_dir()
    where = f"the state folder {folder}" if folder is not None else "the state folder"
    return f"cannot use {where}: {error}"


def _fail(message: str, code: int) -> typer.Exit:
    print_error(message)
    return typer.Exit(code)


class LotwiseGroup(TyperGroup):
    """The ``lotwise`` command group: every sub-command runs inside the failure handling."""

    def invoke(self, ctx: Any) -> Any:  # click's Context, vendored privately by typer
        try:
            return super().invoke(ctx)
        except DataValidationError as error:
            print_problems(error.problems)
            raise typer.Exit(BAD_INPUT_EXIT) from error
        except InvalidIdError as error:
            raise _fail(str(error), BAD_INPUT_EXIT) from error
        except BrokenPipeError:
            raise  # the reader went away (``| head``): click's own handling applies
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise
            raise _fail(storage_message(error), STORAGE_EXIT) from error
        except sqlite3.OperationalError as error:
            raise _fail(storage_message(error), STORAGE_EXIT) from error
