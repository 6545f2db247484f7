"""``lotwise chat``: the advisor chat (a rich REPL over ``agent.chat.ChatSession``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.chat.repl import run_repl
from agent.chat.session import ChatSession
from agent.cli.common import AsOf, DataDir, as_date, bad_input_exits, stdout
from agent.identity import UserStore, acting_as, authenticate
from agent.llm.client import client_from_env
from agent.paths import state_dir_for
from tools.errors import DataValidationError

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="Where runs, checkpoints and evidence live (default DIR/.lotwise)."
    ),
]
User = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Who is chatting: must be you (the OS user, or LOTWISE_USER when users.yaml "
        "exists); reviews are requested and runs decided as this person.",
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
        if not data.is_dir():
            raise DataValidationError.single(data.name, None, None, "no such data directory")
        person = acting_as(
            authenticate(UserStore.in_state_dir(state_dir_for(data, state_dir))), user, "--user"
        )
        client = client_from_env()
        as_of_date = as_date(as_of)
        session = ChatSession(
            data,
            client=client,
            state_dir=state_dir,
            conversation_id=conversation,
            as_of=as_of_date.isoformat() if as_of_date else None,
            user=person,
        )
        with session:
            run_repl(session, stdout)
