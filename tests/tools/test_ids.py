"""The id rule (``tools.ids``) against a plain reading of it, on arbitrary text (hypothesis)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.ids import (
    MAX_ID_LENGTH,
    InvalidIdError,
    all_valid,
    derived_id,
    id_problem,
    require_id,
)

ALLOWED = set(string.ascii_letters + string.digits + "-_.")
ids_and_junk = st.text(alphabet=st.sampled_from(sorted(ALLOWED) + list("/\\ \n\r:;ä.\x00")))


def reference(value: str) -> bool:
    """The rule as the documentation words it."""
    return (
        0 < len(value) <= MAX_ID_LENGTH
        and not value.startswith(".")
        and all(character in ALLOWED for character in value)
    )


@settings(max_examples=400, derandomize=True)
@given(st.one_of(ids_and_junk, st.text()))
def test_one_id_follows_the_documented_rule(value: str) -> None:
    assert (id_problem(value) is None) == reference(value)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.one_of(ids_and_junk, st.text(max_size=70)), max_size=30))
def test_many_ids_at_once_agree_with_one_at_a_time(values: list[str]) -> None:
    assert all_valid(values) == all(reference(value) for value in values)


@settings(max_examples=200, derandomize=True)
@given(
    st.text(alphabet=sorted(ALLOWED - {"."}), min_size=1, max_size=MAX_ID_LENGTH),
    st.integers(min_value=1, max_value=999),
)
def test_derived_ids_are_valid_and_keep_room(base: str, attempt: int) -> None:
    derived = derived_id(base, f"20261120-{attempt}", room=8)
    assert reference(derived) and len(derived) <= MAX_ID_LENGTH - 8
    assert derived.endswith(f"-20261120-{attempt}")


def test_long_bases_sharing_a_prefix_get_different_ids() -> None:
    first, second = "h" * 63 + "a", "h" * 63 + "b"
    assert derived_id(first, "20261120-1", 8) != derived_id(second, "20261120-1", 8)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("../../../escape", "starts with a dot"),
        ("a/b", "may hold only letters, digits, '-', '_' and '.'"),
        ("x" * 300, "is 300 characters long (at most 64)"),
        ("", "is empty"),
    ],
)
def test_require_id_names_what_and_why(value: str, problem: str) -> None:
    with pytest.raises(InvalidIdError, match="run id") as raised:
        require_id(value, "run id")
    assert problem in str(raised.value)
