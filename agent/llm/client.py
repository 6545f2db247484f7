"""The chat model behind the planner, the narrator and the chat, with retries and a budget.

``LLMClient.invoke`` is the only way lotwise talks to a model: it retries transient failures
(connection, timeout, rate limit, server error) with exponential backoff, charges the tokens
of every answer to the run's budget, keeps each exchange for the evidence log, and turns every
other failure into ``LLMUnavailable``, which callers answer by falling back to the rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_openai import ChatOpenAI

from agent.evidence.records import LLMCall
from agent.llm.settings import LLMSettings

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,  # includes APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
    httpx.TransportError,
    ConnectionError,
    TimeoutError,
)


class LLMUnavailable(RuntimeError):  # noqa: N818 - the name the spec gives it
    """The model could not answer: unreachable, refused, malformed, or over budget."""


class BudgetExceededError(LLMUnavailable):
    """The run has spent its token or cost budget."""


@dataclass
class RunBudget:
    """Tokens and dollars spent by one run, against the settings' caps."""

    settings: LLMSettings
    tokens: int = 0
    cost_usd: float = 0.0

    def check_room(self) -> None:
        if self.tokens >= self.settings.token_budget:
            raise BudgetExceededError(
                f"token budget spent: {self.tokens} of {self.settings.token_budget} tokens"
            )
        if self.cost_usd >= self.settings.cost_budget_usd:
            raise BudgetExceededError(
                f"cost budget spent: ${self.cost_usd:.4f} of ${self.settings.cost_budget_usd:.2f}"
            )

    def charge(self, message: AIMessage) -> None:
        usage: Mapping[str, Any] = message.usage_metadata or {}
        prompt = int(usage.get("input_tokens", 0))
        completion = int(usage.get("output_tokens", 0))
        self.tokens += prompt + completion
        self.cost_usd += (
            prompt * self.settings.input_usd_per_million
            + completion * self.settings.output_usd_per_million
        ) / 1_000_000


def chat_model(settings: LLMSettings) -> ChatOpenAI:
    """A ``ChatOpenAI`` for the configured endpoint; retries are ours, so the client's are off."""
    return ChatOpenAI(
        model=settings.model,
        api_key=settings.key_for_client(),
        base_url=settings.base_url,
        timeout=settings.timeout_seconds,
        max_retries=0,
        temperature=0,
    )


class LLMClient:
    def __init__(
        self,
        model: BaseChatModel,
        settings: LLMSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.settings = settings or LLMSettings()
        self.budget = RunBudget(self.settings)
        self._sleep = sleep
        self._calls: list[LLMCall] = []

    @property
    def model_name(self) -> str:
        return self.settings.model

    def start_run(self) -> None:
        """A new run: a fresh budget and no recorded exchanges."""
        self.budget = RunBudget(self.settings)
        self._calls = []

    def take_calls(self) -> list[LLMCall]:
        """The exchanges since the last call, for the evidence log."""
        calls, self._calls = self._calls, []
        return calls

    def invoke(self, messages: Sequence[BaseMessage], tools: Sequence[Any] = ()) -> AIMessage:
        self.budget.check_room()
        runnable = self.model.bind_tools(list(tools)) if tools else self.model
        delay = self.settings.backoff_seconds
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = runnable.invoke(list(messages))
                break
            except TRANSIENT_ERRORS as error:
                if attempt == attempts:
                    raise LLMUnavailable(
                        f"the model endpoint did not answer after {attempts} attempts "
                        f"({type(error).__name__}: {error})"
                    ) from error
                self._sleep(delay)
                delay *= 2
            except Exception as error:
                raise LLMUnavailable(
                    f"the model call failed ({type(error).__name__}: {error})"
                ) from error
        if not isinstance(response, AIMessage):
            raise LLMUnavailable(f"the model returned {type(response).__name__}, not a message")
        self.budget.charge(response)
        self._calls.append(
            LLMCall(
                model=self.model_name,
                prompt=list(messages),
                response=response.content,
                tool_calls=[dict(call) for call in response.tool_calls],
            )
        )
        return response


def client_from_env(environ: Mapping[str, str] | None = None) -> LLMClient | None:
    """The configured client, or ``None`` when no endpoint is set (rules and templates)."""
    settings = LLMSettings.from_env(environ)
    if not settings.configured:
        return None
    return LLMClient(chat_model(settings), settings)
