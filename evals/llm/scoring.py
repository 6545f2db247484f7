"""Scoring helpers shared by the intent and trajectory evals."""

from __future__ import annotations

import re
from typing import Any

from agent.chat.intents import Intent
from evals.llm.requests import Case

_FILLER = re.compile(r"\b(stocks?|names?|the|sector|industry)\b")


def normalized(value: Any) -> Any:
    """Lists of names compared without case, filler words or order."""
    if isinstance(value, list):
        return sorted(re.sub(r"\s+", " ", _FILLER.sub(" ", str(v).lower())).strip() for v in value)
    if isinstance(value, str):
        return value.strip().lower()
    return value


def intent_errors(case: Case, intent: Intent) -> list[str]:
    """What the read intent got wrong (empty: correct)."""
    errors = []
    if intent.kind != case.kind:
        errors.append(f"kind {intent.kind} != {case.kind}")
    read = intent.model_dump()
    for name, expected in case.fields.items():
        if normalized(read.get(name)) != normalized(expected):
            errors.append(f"{name} {read.get(name)!r} != {expected!r}")
    return errors
