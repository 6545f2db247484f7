"""Canonical JSON and the hash chains that make the evidence log tamper-evident.

Per-run chain (what ``verify RUN_ID`` checks and what a proposal cites as its head)::

    hash(seq 1) = SHA-256( bytes.fromhex(GENESIS_HASH) + JCS(record 1 without "hash") )
    hash(seq n) = SHA-256( bytes.fromhex(hash(seq n-1)) + JCS(record n without "hash") )

where JCS is the RFC 8785 JSON Canonicalization Scheme and "previous hash bytes" are the 32
raw digest bytes. Every record also carries ``prev_hash`` (hex) so a reader of an export can
check links without the store.

Store-wide chain (what ``verify --all`` adds): every record, in append order across all runs,
gets a global sequence number ``gseq`` (1-based, gapless) and::

    global_hash(g) = SHA-256( bytes.fromhex(global_hash(g-1)) + bytes.fromhex(hash(g)) )

so a run deleted wholesale, or a run's last records, still leave a visible gap.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value (pass it through ``to_jsonable`` first)."""
    return rfc8785.dumps(value)


def digest(value: Any) -> str:
    """SHA-256 hex of the canonical JSON of ``value`` (key order does not matter)."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def link_hash(prev_hash: str, body: bytes) -> str:
    """A record's hash: SHA-256 over the previous hash's raw bytes and the record's JCS bytes."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def global_link_hash(prev_global_hash: str, record_hash: str) -> str:
    """The store-wide chain's next value over one more record hash."""
    return hashlib.sha256(bytes.fromhex(prev_global_hash) + bytes.fromhex(record_hash)).hexdigest()
