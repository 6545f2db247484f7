"""The advisor-facing rationale, written by the model and checked against the proposal.

The model sees the proposal and an index of its evidence records (as quoted data) and writes
a short explanation citing records as ``[#seq]``. The text is accepted only when every number
in it is a figure of the proposal (in any usual rendering: 1234.5, $1,234.50, 0.0123 as
1.23%) or a cited record that exists, and it cites at least one record. Otherwise, or when
the model is unavailable, the templated rationale stands. Both outcomes are recorded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.messages import HumanMessage, SystemMessage

from agent.evidence.records import EvidenceRecord
from agent.evidence.store import EvidenceStore
from agent.llm.client import LLMClient, LLMUnavailable
from agent.llm.guardrails import DATA_RULE, quoted
from agent.review.proposal import Proposal

NODE = "propose"
MAX_WORDS = 180

SYSTEM_PROMPT = f"""You explain a proposed set of trades to a financial advisor in plain
English, in at most {MAX_WORDS} words. Use only figures that appear in the proposal; do not
compute new ones (no sums, differences or conversions). Cite the evidence records that
support each statement as [#seq], using the seq numbers given. No advice beyond the proposal.
{DATA_RULE}"""

_CITATION = re.compile(r"\[#(\d+)\]")
# Statute and ruling citations carry numbers that are not figures: IRC §1091(a),
# Treas. Reg. §1.1091-1(h), Rev. Rul. 2008-5, Form 8949.
_LEGAL = re.compile(
    r"§\s*[\d.]+(?:-\d+)?(?:\([a-z0-9]+\))*|Rev\.\s*Rul\.\s*\d{4}-\d+|"
    r"Form\s+\d+",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBER = re.compile(r"(?<![\w.])[-−]?\$?\d[\d,]*(?:\.\d+)?%?")
# The 30-day window of IRC §1091(a) may be named without being a figure of the proposal.
RULE_CONSTANTS = frozenset({30.0})


class Narrator(Protocol):
    def narrate(self, proposal: Proposal, templated: str, evidence: EvidenceStore) -> str: ...


@dataclass(frozen=True)
class NumberCheck:
    unsupported: list[str]  # numbers in the text that are not in the proposal
    unknown_citations: list[int]  # [#seq] that are not records of the run
    citations: list[int]

    @property
    def accepted(self) -> bool:
        return not self.unsupported and not self.unknown_citations and bool(self.citations)


def proposal_figures(proposal: Proposal) -> list[float]:
    """Every number of the proposal, as the model could read it."""
    document = proposal.model_dump(exclude={"rationale"})
    figures = [float(len(proposal.trades)), float(len(proposal.checks))]
    _collect(document, figures)
    return figures


def _collect(value: Any, into: list[float]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            into.append(float(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def check_numbers(text: str, proposal: Proposal, record_seqs: Iterable[int]) -> NumberCheck:
    """Which numbers of ``text`` the proposal does not support (see the module docstring)."""
    seqs = set(record_seqs)
    citations = [int(found) for found in _CITATION.findall(text)]
    identifiers = {
        proposal.run_id,
        proposal.household_id,
        proposal.as_of,
        *(t.account_id for t in proposal.trades),
        *(t.symbol for t in proposal.trades),
        *(lot.lot_id for t in proposal.trades for lot in t.lots),
    }
    stripped = _CITATION.sub(" ", text)
    for identifier in sorted(identifiers, key=len, reverse=True):
        stripped = stripped.replace(identifier, " ")
    stripped = _DATE.sub(" ", _LEGAL.sub(" ", stripped))
    figures = proposal_figures(proposal)
    unsupported = [token for token in _NUMBER.findall(stripped) if not _supported(token, figures)]
    return NumberCheck(
        unsupported=unsupported,
        unknown_citations=[seq for seq in citations if seq not in seqs],
        citations=citations,
    )


def _supported(token: str, figures: list[float]) -> bool:
    """True when some figure, rounded as the token is written, reads as the token.

    Signs are ignored: "a loss of $1,234" renders the figure -1234.
    """
    percent = token.endswith("%")
    digits = token.replace("−", "").replace("-", "").replace("$", "").replace(",", "")
    digits = digits.rstrip("%")
    written = float(digits)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    if not percent and written in RULE_CONSTANTS:
        return True
    scale = 100.0 if percent else 1.0
    return any(
        round(abs(figure) * scale, decimals) == round(written, decimals) for figure in figures
    )


class LLMNarrator:
    def __init__(self, client: LLMClient) -> None:
        self.client = client

    def narrate(self, proposal: Proposal, templated: str, evidence: EvidenceStore) -> str:
        run_id = proposal.run_id
        records = evidence.records(run_id)
        # No new budget here: the narrator spends what the review's planner left.
        inputs = {"purpose": "narrative", "run_id": run_id}
        try:
            response = self.client.invoke(_messages(proposal, records))
        except LLMUnavailable as error:
            evidence.append(
                run_id,
                NODE,
                "error",
                inputs,
                {"narrative": "templated", "reason": str(error)},
                policy_version=proposal.policy_version,
            )
            return templated
        call = self.client.take_calls()[-1]
        text = response.content if isinstance(response.content, str) else ""
        check = check_numbers(text, proposal, (r.seq for r in records))
        if not check.accepted:
            evidence.append(
                run_id,
                NODE,
                "llm_call",
                inputs,
                {
                    "accepted": False,
                    "unsupported_numbers": check.unsupported,
                    "unknown_citations": check.unknown_citations,
                    "cited": check.citations,
                    "narrative": "templated",
                },
                policy_version=proposal.policy_version,
                llm=call,
            )
            return templated
        evidence.append(
            run_id,
            NODE,
            "llm_call",
            inputs,
            {"accepted": True, "cited": check.citations},
            policy_version=proposal.policy_version,
            llm=call,
        )
        return text.strip()


def _messages(proposal: Proposal, records: list[EvidenceRecord]) -> list[Any]:
    index = [_summary(record) for record in records]
    document = proposal.model_dump(exclude={"rationale"})
    return [
        SystemMessage(SYSTEM_PROMPT),
        HumanMessage(
            f"Proposal for household {proposal.household_id} as of {proposal.as_of}: "
            f"{quoted('proposal', document)}\nEvidence records: {quoted('evidence', index)}"
        ),
    ]


def _summary(record: EvidenceRecord) -> dict[str, Any]:
    summary: dict[str, Any] = {"seq": record.seq, "node": record.node, "kind": record.kind}
    outputs = record.outputs if isinstance(record.outputs, dict) else {}
    for key in ("passed", "detail", "status"):
        if key in outputs:
            summary[key] = outputs[key]
    return summary
