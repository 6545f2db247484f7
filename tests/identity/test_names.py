"""Names: one normal form for every comparison; look-alikes and lotwise's own names refused."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agent.identity import (
    BadIdentityInputError,
    comparison_key,
    is_reserved,
    normalize_name,
    person_name,
    same_person,
)

CYRILLIC_A = "\u0430"  # looks like a Latin "a"
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202e")


@pytest.mark.parametrize(
    "typed", ["ana", "Ana", "ANA", " ana ", "a n a", "ana\u200b", "\u200dAna", "ａｎａ", "ana\t"]
)
def test_case_width_whitespace_and_format_characters_name_one_person(typed: str) -> None:
    assert normalize_name(typed) == "ana"
    assert same_person(typed, "ana")


@pytest.mark.parametrize(
    "typed", [f"{CYRILLIC_A}na", f"an{CYRILLIC_A}", f"p{CYRILLIC_A}ypal", "ben\u0391"]
)
def test_a_name_mixing_scripts_is_refused(typed: str) -> None:
    with pytest.raises(BadIdentityInputError, match="mixes scripts"):
        normalize_name(typed)
    assert not same_person(typed, typed.replace(CYRILLIC_A, "a").replace("\u0391", "a"))


@pytest.mark.parametrize("typed", ["анна", "山田たろう", "김민준", "josé", "jose\u0301", "o'brien"])
def test_names_in_one_writing_system_are_accepted(typed: str) -> None:
    assert normalize_name(typed) == comparison_key(typed)


@pytest.mark.parametrize("typed", ["", "   ", "\u200b", "\u200b \u200d"])
def test_an_empty_name_is_bad_input(typed: str) -> None:
    with pytest.raises(BadIdentityInputError, match="a name is needed"):
        person_name(typed)


@pytest.mark.parametrize("typed", ["a/b", "ana;drop", "ana\x00", "<ana>", "ana\n!"])
def test_other_characters_are_refused_naming_the_character(typed: str) -> None:
    with pytest.raises(BadIdentityInputError, match="is not a letter, digit"):
        person_name(typed)


def test_a_name_has_at_most_64_characters() -> None:
    assert person_name("a" * 64) == "a" * 64
    with pytest.raises(BadIdentityInputError, match="at most 64"):
        person_name("a" * 65)


@pytest.mark.parametrize(
    "typed", ["lotwise-auto", "LOTWISE-AUTO", "lotwise-ops", " lotwise-\u200bauto", "Lotwise-X"]
)
def test_lotwise_names_are_refused_from_people(typed: str) -> None:
    assert is_reserved(typed)
    with pytest.raises(BadIdentityInputError, match="reserved for lotwise"):
        person_name(typed)
    assert normalize_name(typed).startswith("lotwise-")  # still a valid name: lotwise's own


def test_names_that_only_start_like_lotwise_are_people() -> None:
    assert person_name("lotwiseana") == "lotwiseana"
    assert not is_reserved("lotwise_ana")


NAME_TEXT = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x24F),
    min_size=1,
    max_size=20,
)
NOISE = st.lists(st.sampled_from([" ", "\t", *ZERO_WIDTH]), max_size=4)


@given(NAME_TEXT, NOISE, st.integers(min_value=0, max_value=20), st.booleans())
def test_spacing_format_characters_and_case_never_make_another_person(
    name: str, noise: list[str], position: int, upper: bool
) -> None:
    assume(name.upper().casefold() == name.casefold())  # not the Turkish dotless i
    cut = min(position, len(name))
    disguised = name[:cut] + "".join(noise) + name[cut:]
    disguised = disguised.upper() if upper else disguised
    assert same_person(disguised, name)
    key = comparison_key(disguised)
    assert comparison_key(key) == key  # the normal form is stable
