"""The evidence log: an append-only, hash-chained record of every step of a review run.

Write with ``EvidenceStore.append`` (or ``append_many``); cite ``EvidenceStore.head`` in the
proposal; check with ``verify_run`` / ``verify_all``.
"""

from agent.evidence.chain import GENESIS_HASH, canonical_json, digest
from agent.evidence.jsonable import to_jsonable
from agent.evidence.records import (
    EVIDENCE_KINDS,
    EvidenceEntry,
    EvidenceKind,
    EvidenceRecord,
    LLMCall,
)
from agent.evidence.redact import REDACTED, redact
from agent.evidence.store import EvidenceStore, RunSummary, evidence_path, inputs_digest
from agent.evidence.verify import ChainBreak, VerificationResult, verify_all, verify_run

__all__ = [
    "EVIDENCE_KINDS",
    "GENESIS_HASH",
    "REDACTED",
    "ChainBreak",
    "EvidenceEntry",
    "EvidenceKind",
    "EvidenceRecord",
    "EvidenceStore",
    "LLMCall",
    "RunSummary",
    "VerificationResult",
    "canonical_json",
    "digest",
    "evidence_path",
    "inputs_digest",
    "redact",
    "to_jsonable",
    "verify_all",
    "verify_run",
]
