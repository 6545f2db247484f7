"""The ``lotwise chat`` read-eval-print loop (rich), over a ``ChatSession``."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from agent.chat.intents import ENABLE_FREE_TEXT
from agent.chat.session import ChatSession

QUIT_WORDS = frozenset({"quit", "exit", "bye", ":q"})


def run_repl(
    session: ChatSession, console: Console, read: Callable[[str], str] | None = None
) -> int:
    """Converse until end of input or a quit word; returns how many messages were answered."""
    ask = read or console.input
    mode = "free text (LLM)" if session.free_text else "command grammar (no LLM configured)"
    console.print(
        f"lotwise chat: conversation {session.conversation_id}, {mode}. "
        "Type 'help' for examples, 'quit' to leave.",
        highlight=False,
    )
    if not session.free_text:
        console.print(ENABLE_FREE_TEXT, style="dim", highlight=False)
    answered = 0
    while True:
        prompt = "confirm> " if session.waiting else "you> "
        try:
            text = ask(prompt).strip()
        except EOFError:
            break
        if text.lower() in QUIT_WORDS:
            break
        if not text:
            continue
        reply = session.send(text)
        answered += 1
        title = "question" if reply.question else "lotwise"
        # Text, not markup: "[#12]" cites evidence record 12, it is not a rich style.
        console.print(Panel(Text(reply.text), title=title, title_align="left"))
    return answered
