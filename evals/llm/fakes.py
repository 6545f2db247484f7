"""Scripted chat models for LLM tests and trajectory evals: no network, answers fixed in advance.

``ScriptedChatModel`` is langchain-core's ``GenericFakeChatModel`` with ``bind_tools`` (it
remembers the tools and returns itself) and a script whose entries are messages, strings, or
functions of the prompt (to answer with figures only known at run time). Every prompt it
receives is kept, so tests can look at what the model was shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

Reply = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str] | BaseException


class ScriptedChatModel(GenericFakeChatModel):
    script: list[Any] = Field(default_factory=list)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    tool_names: list[str] = Field(default_factory=list)

    def __init__(self, script: Sequence[Reply], **kwargs: Any) -> None:
        super().__init__(messages=iter(()), script=list(script), **kwargs)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        self.tool_names = [getattr(tool, "name", getattr(tool, "__name__", "")) for tool in tools]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        if not self.script:
            raise RuntimeError("the scripted model has no answer left")
        reply = self.script.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            reply = reply(list(messages))
        message = AIMessage(content=reply) if isinstance(reply, str) else reply
        return ChatResult(generations=[ChatGeneration(message=message)])

    def prompt_text(self) -> str:
        return "\n".join(str(m.content) for prompt in self.prompts for m in prompt)


def call(name: str, args: dict[str, Any], call_id: str = "") -> AIMessage:
    """An answer that calls one tool."""
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": call_id or f"call-{name}"}]
    )


def submit(steps: list[dict[str, str]], trades: list[dict[str, Any]] | None = None) -> AIMessage:
    return call("submit_plan", {"steps": steps, "trades": trades or []})
