"""``lotwise chat``: the advisor chat (a rich REPL over ``agent.chat.ChatSession``)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from agent.chat.repl import run_repl
from agent.chat.session import ChatSession
from agent.cli.common import AsOf, DataDir, as_date, bad_input_exits, stdout
from agent.llm.client import client_from_env

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where runs, checkpoints and evidence live (default DIR/.lotwise)."
    ),
]
User = Annotated[
    str | None,
    typer.Option(
        "--user", help="Who is chatting: reviews started here are requested by this name."
    ),
]
Conversation = Annotated[
    str | None,
    typer.Option("--conversation", help="Continue a conversation by its id (default: a new one)."),
]


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)


def chat(
    data: DataDir,
    as_of: AsOf = None,
    state_dir: StateDir = None,
    user: User = None,
    conversation: Conversation = None,
) -> None:
    """Talk to lotwise: run reviews, ask why, approve. Free text with an LLM configured
    (OPENAI_API_KEY or OPENAI_BASE_URL, LOTWISE_MODEL); a command grammar without."""
    with bad_input_exits():
        client = client_from_env()
        as_of_date = as_date(as_of)
        session = ChatSession(
            data,
            client=client,
            state_dir=state_dir,
            conversation_id=conversation,
            as_of=as_of_date.isoformat() if as_of_date else None,
            user=user or getpass.getuser(),
        )
        with session:
            run_repl(session, stdout)
