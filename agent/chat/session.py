"""``ChatSession``: one conversation, one LangGraph thread.

The graph has two nodes: ``understand`` reads the request (model or grammar) and ``act``
answers it. A conversation acts for one person, its session identity: reviews are requested
and runs approved or rejected as that person, never as a name typed in the chat ("approve it
as ben" is refused: ben approves in his own session). Approving or rejecting asks the person
to confirm through LangGraph's ``interrupt()``, so the question survives a restart: the next
message resumes the conversation's thread with the answer, and the decision itself resumes the
review's own thread (``ReviewRunner.approve``, where roles and four-eyes are checked).
Conversations are checkpointed in the state directory (``chat.sqlite``).
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from agent.chat.answers import ChatReply, Desk
from agent.chat.intents import Intent
from agent.chat.understand import IntentReader
from agent.identity import Identity, UserStore, same_person, vouched
from agent.llm.client import LLMClient
from agent.paths import state_dir_for
from tools.errors import DataValidationError

CHAT_FILE = "chat.sqlite"
HISTORY_TURNS = 20  # turns kept in the thread (the model sees the last few)
YES = frozenset({"yes", "y"})


def _recent(old: list[str], new: list[str]) -> list[str]:
    """The conversation's last turns (two lines each): checkpoints stay small."""
    return [*old, *new][-2 * HISTORY_TURNS :]


class ChatState(TypedDict, total=False):
    text: str
    intent: dict[str, Any]
    note: str | None
    reply: dict[str, Any]
    history: Annotated[list[str], _recent]
    last_run_id: str | None
    last_household: str | None  # "why wasn't X sold?" after a review means that household


class ChatSession:
    def __init__(
        self,
        data_dir: Path,
        *,
        client: LLMClient | None = None,
        state_dir: Path | None = None,
        conversation_id: str | None = None,
        as_of: str | None = None,
        user: Identity | str = "chat",
    ) -> None:
        """``user`` is the session's person: an authenticated identity (the CLI's), or a name
        the calling code vouches for (checked against ``users.yaml`` when there is one)."""
        if not data_dir.is_dir():
            raise DataValidationError.single(data_dir.name, None, None, "no such data directory")
        self.state_dir = state_dir_for(data_dir, state_dir)
        self.conversation_id = conversation_id or f"chat-{uuid.uuid4().hex[:12]}"
        identity = (
            user
            if isinstance(user, Identity)
            else vouched(UserStore.in_state_dir(self.state_dir), user)
        )
        self.desk = Desk(data_dir, self.state_dir, client, as_of, identity)
        self.reader = IntentReader(client)
        self._conn = sqlite3.connect(self.state_dir / CHAT_FILE, check_same_thread=False)
        self._graph = self._build().compile(checkpointer=SqliteSaver(self._conn))
        self._config = {"configurable": {"thread_id": self.conversation_id}}

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChatSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def free_text(self) -> bool:
        return self.reader.free_text

    @property
    def user(self) -> Identity:
        return self.desk.person

    @property
    def waiting(self) -> bool:
        """True when the chat asked a question (confirm a decision) and waits for the answer."""
        return bool(self._graph.get_state(self._config).interrupts)

    def send(self, text: str) -> ChatReply:
        """Answer one message (or the pending question)."""
        payload: Command | ChatState = (
            Command(resume=text.strip()) if self.waiting else {"text": text}
        )
        result = self._graph.invoke(payload, self._config)
        interrupts = result.get("__interrupt__") or []
        if interrupts:
            question = str(interrupts[0].value["question"])
            return ChatReply(question, question=question)
        return ChatReply(**result["reply"])

    def intent_of(self, text: str) -> Intent:
        """How the chat reads ``text`` (no action taken): what the evals score."""
        history = self._graph.get_state(self._config).values.get("history", [])
        intent, _ = self.reader.read(text, self.desk.households(), self.desk.symbols(), history)
        return intent

    # -- the graph -------------------------------------------------------------------------

    def _build(self) -> StateGraph:
        graph = StateGraph(ChatState)
        graph.add_node("understand", self._understand)
        graph.add_node("act", self._act)
        graph.add_edge(START, "understand")
        graph.add_edge("understand", "act")
        graph.add_edge("act", END)
        return graph

    def _understand(self, state: ChatState) -> ChatState:
        history = state.get("history", [])
        intent, note = self.reader.read(
            state["text"], self.desk.households(), self.desk.symbols(), history
        )
        if intent.kind in ("approve", "reject") and not intent.run_id:
            intent = intent.model_copy(update={"run_id": state.get("last_run_id")})
        if intent.household_id is None:
            intent = intent.model_copy(update={"household_id": state.get("last_household")})
        return {"intent": intent.model_dump(), "note": note}

    def _act(self, state: ChatState) -> ChatState:
        intent = Intent.model_validate(state["intent"])
        decides = intent.kind == "approve" or (intent.kind == "reject" and intent.reason)
        reply = self._decide(intent) if decides and intent.run_id else self.desk.answer(intent)
        if state.get("note"):
            reply = ChatReply(
                f"({state['note']})\n{reply.text}", reply.data, reply.question, reply.run_id
            )
        return {
            "reply": {"text": reply.text, "data": reply.data, "run_id": reply.run_id},
            "history": [f"advisor: {state['text']}", f"lotwise: {reply.text[:300]}"],
            "last_run_id": reply.run_id or state.get("last_run_id"),
            "last_household": intent.household_id or state.get("last_household"),
        }

    def _decide(self, intent: Intent) -> ChatReply:
        """Approve or reject as the session's person, after they confirm; a decision "as"
        someone else is refused before anything is asked."""
        user = self.desk.person
        verb = "approve" if intent.kind == "approve" else "reject"
        if intent.approver and not same_person(intent.approver, user.name):
            return ChatReply(
                f"Not {verb}d: this conversation acts only for {user.name}. "
                f"{intent.approver.strip()} must {verb} in their own session.",
                run_id=intent.run_id,
            )
        because = f" because {intent.reason}" if intent.kind == "reject" else ""
        question = f"{verb.capitalize()} run {intent.run_id}{because} as {user.name}? (yes/no)"
        answer = interrupt({"question": question})
        if str(answer).strip().lower() not in YES:
            return ChatReply(f"Not {verb}d: not confirmed.", run_id=intent.run_id)
        return self.desk.answer(intent, confirmed=True)
