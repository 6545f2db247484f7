"""Canonical JSON and the chain formulas, pinned so that exports stay verifiable."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.evidence import GENESIS_HASH, canonical_json, digest
from agent.evidence.chain import global_link_hash, link_hash

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)


def _reversed_keys(value: Any) -> Any:
    """The same JSON value with every object's keys inserted in reverse order."""
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


@settings(max_examples=150, deadline=None, derandomize=True)
@given(JSON_VALUES)
def test_key_order_does_not_change_canonical_bytes_or_digest(value: Any) -> None:
    shuffled = _reversed_keys(value)
    assert canonical_json(shuffled) == canonical_json(value)
    assert digest(shuffled) == digest(value)


def test_canonical_form_is_rfc8785() -> None:
    """Sorted keys, no whitespace, ECMAScript numbers, UTF-8 text without escapes."""
    value = {"b": [1.0, 1e21, 0.1, -0.0], "a": "é\n", "c": None, "A": True}
    assert canonical_json(value) == '{"A":true,"a":"é\\n","b":[1,1e+21,0.1,0],"c":null}'.encode()


def test_link_hash_is_sha256_over_raw_previous_hash_and_body() -> None:
    body = b'{"seq":1}'
    expected = hashlib.sha256(bytes(32) + body).hexdigest()
    assert GENESIS_HASH == "0" * 64
    assert link_hash(GENESIS_HASH, body) == expected
    assert link_hash(expected, body) == hashlib.sha256(bytes.fromhex(expected) + body).hexdigest()


def test_global_link_hash_chains_record_hashes() -> None:
    record_hash = hashlib.sha256(b"record").hexdigest()
    assert (
        global_link_hash(GENESIS_HASH, record_hash)
        == hashlib.sha256(bytes(32) + bytes.fromhex(record_hash)).hexdigest()
    )
