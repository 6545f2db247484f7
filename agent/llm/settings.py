"""Settings of the language model, read from the environment.

Any OpenAI-compatible endpoint works: ``OPENAI_API_KEY`` for a hosted provider,
``OPENAI_BASE_URL`` for a self-hosted server (vLLM, Ollama, ...), ``LOTWISE_MODEL`` for the
model name. Without a key or a base URL no LLM is configured and lotwise uses the rule planner
and templated text. The budget caps what one run (one review, one chat turn) may spend.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from tools.errors import DataValidationError, Problem

ENVIRONMENT = "environment"
DEFAULT_MODEL = "gpt-4o-mini"
# A local server needs no key, but the OpenAI client insists on one.
LOCAL_SERVER_KEY = "not-needed"


class LLMSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0)  # doubled after each failed attempt
    max_tool_rounds: int = Field(default=6, ge=1, le=20)  # planner loop bound
    token_budget: int = Field(default=60_000, gt=0)  # prompt + completion tokens per run
    cost_budget_usd: float = Field(default=0.50, gt=0)
    input_usd_per_million: float = Field(default=0.15, ge=0)
    output_usd_per_million: float = Field(default=0.60, ge=0)

    @property
    def configured(self) -> bool:
        return self.api_key is not None or self.base_url is not None

    def key_for_client(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else LOCAL_SERVER_KEY

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMSettings:
        """Read the settings; a malformed number names the variable (exit code 2 in the CLI)."""
        env = os.environ if environ is None else environ
        problems: list[Problem] = []

        def number(name: str, default: float, kind: Callable[[str], float]) -> float:
            text = env.get(name, "").strip()
            if not text:
                return default
            try:
                value = kind(text)
            except ValueError:
                problems.append(Problem(ENVIRONMENT, None, name, f"not a number: {text!r}"))
                return default
            if value < 0:
                problems.append(Problem(ENVIRONMENT, None, name, f"must not be negative: {text}"))
                return default
            return value

        defaults = cls()
        fields = {
            "timeout_seconds": number("LOTWISE_LLM_TIMEOUT", defaults.timeout_seconds, float),
            "max_retries": int(number("LOTWISE_LLM_RETRIES", defaults.max_retries, int)),
            "token_budget": int(number("LOTWISE_LLM_TOKEN_BUDGET", defaults.token_budget, int)),
            "cost_budget_usd": number("LOTWISE_LLM_COST_BUDGET", defaults.cost_budget_usd, float),
        }
        if problems:
            raise DataValidationError(problems)
        key = env.get("OPENAI_API_KEY", "").strip()
        base_url = env.get("OPENAI_BASE_URL", "").strip()
        try:
            return cls(
                api_key=SecretStr(key) if key else None,
                base_url=base_url or None,
                model=env.get("LOTWISE_MODEL", "").strip() or DEFAULT_MODEL,
                **fields,
            )
        except ValueError as error:
            raise DataValidationError.single(
                ENVIRONMENT, None, "LOTWISE_LLM_*", str(error)
            ) from error
