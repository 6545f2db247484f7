"""Entry point of the ``lotwise`` console script: assembles the command groups."""

from __future__ import annotations

import typer

from agent.cli import (
    chat_cmd,
    daily_cmd,
    data_cmd,
    eval_cmd,
    evidence_cmd,
    import_cmd,
    ledger_cmd,
    optimize_cmd,
    reconcile_cmd,
    review_cmd,
    risk_cmd,
    users_cmd,
)
from agent.cli.common import show_notes_on_stderr
from agent.cli.failures import LotwiseGroup

app = typer.Typer(
    name="lotwise",
    help="Direct-indexing agent: tax lots, wash sales, tracking error and reviewable trades.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LotwiseGroup,
)

COMMAND_GROUPS = (
    data_cmd,
    import_cmd,
    ledger_cmd,
    optimize_cmd,
    reconcile_cmd,
    risk_cmd,
    review_cmd,
    daily_cmd,
    evidence_cmd,
    chat_cmd,
    eval_cmd,
    users_cmd,
)

for module in COMMAND_GROUPS:
    module.register(app)
show_notes_on_stderr()


def run() -> None:
    app()


if __name__ == "__main__":
    run()
