"""The evidence record: one event of a review run, as stored and as read back.

A record is immutable once written. Its ``hash`` covers every other field (see
``agent.evidence.chain``), so the field set and names below are part of the chain format:
renaming a field changes every hash computed from then on.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

EvidenceKind = Literal[
    "input_snapshot",
    "tool_call",
    "check",
    "planner_decision",
    "llm_call",
    "proposal",
    "approval",
    "execution",
    "error",
]
EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LLMCall(_Frozen):
    """What was sent to a language model and what came back.

    ``prompt``, ``response`` and ``tool_calls`` accept anything ``to_jsonable`` understands
    (strings, message dicts, pydantic messages); the store keeps their redacted JSON form.
    """

    model: str
    prompt: Any
    response: Any = None
    tool_calls: list[Any] = Field(default_factory=list)


class EvidenceEntry(_Frozen):
    """One event to append, before the store gives it a place in its run's chain."""

    run_id: str = Field(min_length=1)
    node: str = Field(min_length=1)
    kind: EvidenceKind
    inputs: Any = None
    outputs: Any = None
    policy_version: str | None = None
    checkpoint_id: str | None = None
    llm: LLMCall | None = None


class EvidenceRecord(_Frozen):
    """A stored event. Every field but ``hash`` is hashed; ``hash`` links the run's chain."""

    run_id: str
    seq: int  # 1-based, gapless within the run
    timestamp: str  # UTC, ISO-8601 with microseconds and a trailing "Z"
    node: str
    kind: EvidenceKind
    inputs_digest: str  # SHA-256 hex of the RFC 8785 JSON of the redacted inputs
    outputs: Any  # JSON value (redacted)
    policy_version: str | None
    code_version: str
    checkpoint_id: str | None
    llm: LLMCall | None
    prev_hash: str  # hash of the run's previous record, or the genesis value for seq 1
    hash: str

    def document(self) -> dict[str, Any]:
        """The record as one JSON object (what ``show --format json`` and exports print)."""
        return self.model_dump(mode="json")
