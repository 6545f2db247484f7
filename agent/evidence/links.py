"""The per-record checks of verification (its fast path).

A record is the intact next link of its run when its seq follows the previous one,
SHA-256(previous hash + body) equals its stored hash, and the body's own ``prev_hash``,
``run_id`` and ``seq`` agree with where it is stored. No body is parsed: RFC 8785 sorts keys,
so a body always ends with its ``prev_hash``, ``run_id``, ``seq`` and ``timestamp`` members,
and comparing that tail's text with the expected text checks them. A JSON string cannot hold
an unescaped quote, so the last ``"prev_hash":"`` in a body is the top-level one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from agent.evidence.chain import GENESIS_HASH, canonical_json

HASH_BYTES = 32
_TAIL_START = '"prev_hash":"'


def hash_bytes(text: Any) -> bytes:
    """Raw bytes of a hex hash; empty for anything else (a tampered column never matches)."""
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        return b""


def next_global_hash(previous: bytes, record_hash: Any) -> bytes:
    """The store-wide chain's next value (raw bytes) over one more record hash."""
    return hashlib.sha256(previous + hash_bytes(record_hash)).digest()


class RunChain:
    """Follows one run's chain, record by record, from seq ``checked`` + 1."""

    __slots__ = ("checked", "prev_hex", "prev_raw", "run_id", "run_id_json")

    def __init__(self, run_id: str, checked: int = 0, prev_hex: str = GENESIS_HASH) -> None:
        self.run_id = run_id
        self.run_id_json = canonical_json(run_id).decode()
        self.checked = checked
        self.prev_hex = prev_hex
        self.prev_raw = hash_bytes(prev_hex)

    def accept(self, seq: Any, body: Any, stored: Any) -> bool:
        """True (and advance) when the row is the intact next record of the run."""
        try:
            if seq != self.checked + 1:
                return False
            computed = hashlib.sha256(self.prev_raw + body.encode()).digest()
            if computed.hex() != stored:
                return False
            tail = (
                f'"prev_hash":"{self.prev_hex}","run_id":{self.run_id_json},'
                f'"seq":{seq},"timestamp":"'
            )
            if not body.startswith(tail, body.rfind(_TAIL_START)):
                return False
        except (AttributeError, TypeError):
            return False
        self.checked = seq
        self.prev_raw = computed
        self.prev_hex = stored
        return True
