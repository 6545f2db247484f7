"""Options and error handling shared by every command.

Bad input exits with code 2 and one line per problem on stderr, naming file, row and column;
nothing is printed on stdout, so ``--format json`` consumers never see half a document.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.identity import IdentityError
from tools.errors import DataValidationError

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
        for problem in error.problems:
            stderr.print(
                f"[red]error:[/red] {escape(str(problem))}",
                markup=True,
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(BAD_INPUT_EXIT) from error


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout (no rich markup, no wrapping)."""
    typer.echo(json.dumps(document, indent=2, sort_keys=False))
