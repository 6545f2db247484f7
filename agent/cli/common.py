"""Options and error handling shared by every command.

Bad input exits with code 2 and one line per problem on stderr, naming file, row and column;
nothing is printed on stdout, so ``--format json`` consumers never see half a document.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.identity import IdentityError
from tools.errors import DataValidationError, Problem
from tools.ids import InvalidIdError, require_id

BAD_INPUT_EXIT = 2

stdout = Console()
stderr = Console(stderr=True)

DataDir = Annotated[
    Path,
    typer.Option("--data", help="Portfolio data directory (see docs/data.md).", file_okay=False),
]
AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="As-of date YYYY-MM-DD (default: the last price date).",
    ),
]
Format = Annotated[str, typer.Option("--format", help="Output format: table or json.")]


def _checked_run_id(value: str) -> str:
    """A run id typed by a person obeys the id rule (``tools.ids``) or is a usage error."""
    try:
        return require_id(value, "run id")
    except InvalidIdError as error:
        raise typer.BadParameter(str(error)) from error


RunId = Annotated[
    str,
    typer.Argument(help="The review run's id.", show_default=False, callback=_checked_run_id),
]
TABLE_OR_JSON = ("table", "json")


def check_format(value: str, allowed: tuple[str, ...] = TABLE_OR_JSON) -> None:
    """A ``--format`` outside ``allowed`` is a usage error (exit code 2, nothing on stdout)."""
    if value not in allowed:
        expected = " or ".join(allowed) if len(allowed) == 2 else "one of " + ", ".join(allowed)
        raise typer.BadParameter(f"expected {expected}", param_hint="--format")


def as_date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@contextmanager
def bad_input_exits() -> Iterator[None]:
    """Turn validation errors into stderr lines and exit code 2; an identity error is one line
    and exits 2 (a malformed name or users.yaml) or 1 (authentication or role refused)."""
    try:
        yield
    except IdentityError as error:
        label = "error" if error.exit_code == BAD_INPUT_EXIT else "refused"
        stderr.print(f"[red]{label}:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from error
    except DataValidationError as error:
        print_problems(error.problems)
        raise typer.Exit(BAD_INPUT_EXIT) from error


def print_problems(problems: Iterable[Problem]) -> None:
    """One ``error:`` line per problem on stderr."""
    for problem in problems:
        print_error(str(problem))


def print_error(message: str) -> None:
    """One ``error:`` line on stderr, never wrapped (scripts grep for it)."""
    stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout (no rich markup, no wrapping)."""
    typer.echo(json.dumps(document, indent=2, sort_keys=False))


class _StderrNotes(logging.Handler):
    """Warnings of the ``lotwise`` loggers as plain stderr lines (never on stdout, where a
    ``--format json`` document goes)."""

    def emit(self, record: logging.LogRecord) -> None:
        typer.echo(self.format(record), err=True)


def show_notes_on_stderr() -> None:
    """Route the library's notes (for example an as-of date without prices) to stderr."""
    logger = logging.getLogger("lotwise")
    logger.setLevel(logging.INFO)
    if not any(isinstance(handler, _StderrNotes) for handler in logger.handlers):
        logger.addHandler(_StderrNotes(logging.WARNING))
