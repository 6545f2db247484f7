"""What an advisor can ask, and the command grammar that understands it without an LLM.

The grammar is deliberately small and forgiving: it looks for a few keywords ("review",
"pending", "approve", "why ... sold", "TE ... exclude") and pulls names it knows from the data
(households, symbols). With an LLM configured, free text is mapped to the same ``Intent``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from agent.planners.base import Action

IntentKind = Literal[
    "review",
    "why_not_sold",
    "what_if_exclude",
    "pending",
    "approve",
    "reject",
    "help",
    "unknown",
]

ENABLE_FREE_TEXT = (
    "To ask in free text, configure a model: set OPENAI_API_KEY (hosted) or OPENAI_BASE_URL "
    "(a local OpenAI-compatible server), and LOTWISE_MODEL."
)

GRAMMAR_HELP = """I understand:
  review <household> [harvest] [without touching <sector|industry|symbol>, ...]
  why wasn't <symbol> sold? [for <household>]
  what would TE be if we exclude <sector|industry|symbol>? [for <household>]
  show pending approvals
  approve run <run_id>                  (or "approve it"; you approve as yourself)
  reject run <run_id> because <reason>
  help"""


class Intent(BaseModel):
    """One request, as the chat acts on it."""

    kind: IntentKind = Field(description="What the advisor asks for.")
    household_id: str | None = Field(default=None, description="The household concerned.")
    focus: list[Action] = Field(
        default_factory=list, description="Review only these actions, e.g. ['harvest']."
    )
    avoid: list[str] = Field(
        default_factory=list, description="Sectors, industries or symbols not to trade."
    )
    exclude: list[str] = Field(
        default_factory=list, description="What-if exclusions (sectors, industries, symbols)."
    )
    symbol: str | None = Field(default=None, description="The security asked about.")
    run_id: str | None = Field(default=None, description="The review run concerned.")
    approver: str | None = Field(
        default=None,
        description="Who the request says approves, when stated (the chat acts only as its "
        "session user and refuses any other name).",
    )
    reason: str | None = Field(default=None, description="Why a run is rejected.")


_RUN_ID = r"(?P<run>[a-z0-9][\w.-]*-\d{8}-\d+)"
_APPROVE = re.compile(
    rf"\b(?:approve|sign\s+off(?:\s+on)?)\b(?:\s+(?:run\s+)?{_RUN_ID})?"
    r"(?:.*?\b(?:as|i'?m|i\s+am|this\s+is)\s+(?P<who>[^,.?!]+))?",
    re.IGNORECASE,
)
_REJECT = re.compile(
    rf"\b(?:reject|decline|turn\s+down)\b(?:\s+(?:run\s+)?{_RUN_ID})?", re.IGNORECASE
)
_REASON = re.compile(r"(?:\bbecause\b|\bsince\b|:|\s-\s|,)\s*(?P<why>.+)$", re.IGNORECASE)
_PENDING = re.compile(
    r"\bpending\b|\bawait\w*\s+approval|\bwaiting\s+for\s+(?:an?\s+)?approv"
    r"|\bneeds?\s+approval|\bapprovals?\b|\bsigned\s+off\b",
    re.IGNORECASE,
)
_WHY_SOLD = re.compile(
    r"\bwhy\b.*\b(sold|sell\w*|sale)\b|\b(sold|sell\w*)\b.*\bwhy\b", re.IGNORECASE
)
_WHAT_IF = re.compile(
    r"\b(te|tracking\s+error)\b.*\b(?:exclud\w*|without)\s+(?P<what>[^?.!]+)"
    r"|\bexclud\w*\s+(?P<what2>[^?.!,;]+)[,;]?.*\b(te|tracking\s+error)\b",
    re.IGNORECASE,
)
_AVOID = re.compile(
    r"\b(?:without\s+(?:touching|trading|selling|buying)?|not\s+touching|"
    r"avoid(?:ing)?|leaving\s+out|except)\s+(?P<what>[^?.!;]+)"
    r"|\bleave\s+(?P<left>[^?.!;]+?)\s+alone\b",
    re.IGNORECASE,
)
_REVIEW = re.compile(r"\b(review|harvest|rebalance|run\s+(?:a|the)\b)", re.IGNORECASE)
_HELP = re.compile(r"^\s*(help|\?|commands|what\s+can\s+you\s+do)\s*[.!?]?\s*$", re.IGNORECASE)
_FOR_HOUSEHOLD = re.compile(
    r"\s+(?:for|of|in)\s+(?:the\s+)?[\w-]+(?:\s+(?:family|household))?"
    r"\s*$",
    re.IGNORECASE,
)


def parse_command(text: str, households: Iterable[str], symbols: Iterable[str]) -> Intent:
    """The intent the grammar recognizes in ``text`` (kind ``unknown`` when none)."""
    known_households = list(households)
    household = find_household(text, known_households)
    if _HELP.match(text):
        return Intent(kind="help")
    if match := _REJECT.search(text):
        reason = _REASON.search(text, match.end())
        return Intent(
            kind="reject",
            run_id=match["run"],
            household_id=household,
            reason=reason["why"].strip() if reason else None,
        )
    if match := _APPROVE.search(text):
        return Intent(
            kind="approve",
            run_id=match["run"],
            household_id=household,
            approver=(match["who"] or "").strip() or None,
        )
    if _PENDING.search(text):
        return Intent(kind="pending", household_id=household)
    if _WHY_SOLD.search(text):
        return Intent(
            kind="why_not_sold", household_id=household, symbol=find_symbol(text, symbols)
        )
    if match := _WHAT_IF.search(text):
        what = match["what"] or match["what2"] or ""
        return Intent(
            kind="what_if_exclude",
            household_id=household,
            exclude=_names(_without_household(what, known_households)),
        )
    if _REVIEW.search(text):
        avoid = _AVOID.search(text)
        focus: list[Action] = ["harvest"] if re.search(r"\bharvest", text, re.IGNORECASE) else []
        return Intent(
            kind="review",
            household_id=household,
            focus=focus,
            avoid=_names(_without_household(avoid["what"] or avoid["left"], known_households))
            if avoid
            else [],
        )
    return Intent(kind="unknown", household_id=household)


def find_household(text: str, households: Iterable[str]) -> str | None:
    """A household named in ``text``: its id, or the family name ("the Riveras")."""
    lowered = text.lower()
    for household in households:
        name = household.lower()
        stem = re.escape(name.rstrip("s"))
        if re.search(rf"\b{re.escape(name)}\b|\b{stem}(s|es|'s)?\b", lowered):
            return household
    return None


def find_symbol(text: str, symbols: Iterable[str]) -> str | None:
    known = set(symbols)
    for token in re.findall(r"[A-Za-z][A-Za-z.]*", text):
        if token.upper() in known and (token.isupper() or len(token) > 2):
            return token.upper()
    return None


def _without_household(text: str, households: list[str]) -> str:
    """``text`` without a trailing "for the Riveras" (the household is found elsewhere)."""
    match = _FOR_HOUSEHOLD.search(text)
    if match and find_household(match.group(0), households):
        return text[: match.start()].strip()
    return text.strip()


def _names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|\bor\b|&)\s*", text.strip())
    return [part.strip() for part in parts if part.strip()]
