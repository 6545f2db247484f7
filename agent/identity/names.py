"""People's names: one normal form for every comparison, and the names people may not use.

A name is compared in its normal form: Unicode NFKC, case-folded (the ``NFKC_Casefold``
recipe of Unicode's identifier recommendations, UAX #31), with whitespace and format characters
(general category ``Cf``: zero-width spaces and joiners, bidirectional marks) removed. So
``Ana``, ``ANA``, ``" ana "`` and ``ana`` followed by a zero-width space are one person. A
name mixing scripts (a Cyrillic ``а`` among Latin letters) is refused rather than normalized:
it can only be a look-alike (UTS #39, mixed-script detection).
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import categories

from agent.identity.errors import BadIdentityInputError

AUTO_APPROVER = "lotwise-auto"
RESERVED_PREFIX = "lotwise-"
MAX_NAME_LENGTH = 64
NAME_PUNCTUATION = frozenset(".-_@'")
NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})
# Scripts one writing system mixes by design (UTS #39 "highly restrictive" level): Japanese,
# Chinese with Bopomofo, Korean.
SCRIPT_FAMILIES = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "BOPOMOFO"}),
    frozenset({"HAN", "HANGUL"}),
)


def comparison_key(name: str) -> str:
    """The normal form used to compare two names; never refuses (stored names are compared
    with it too, whatever an older version let through)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(
        char for char in folded if not char.isspace() and unicodedata.category(char) != "Cf"
    )


def same_person(first: str, second: str) -> bool:
    return comparison_key(first) == comparison_key(second)


def is_reserved(name: str) -> bool:
    """Names of lotwise itself (``lotwise-auto``, any ``lotwise-...``), never of a person."""
    return comparison_key(name).startswith(RESERVED_PREFIX)


def normalize_name(typed: str) -> str:
    """``typed`` in normal form, or :class:`BadIdentityInputError` when it cannot be a name:
    empty once normalized, longer than 64 characters, holding other than letters, marks,
    digits and ``. - _ @ '``, or mixing scripts."""
    name = comparison_key(typed)
    if not name:
        raise BadIdentityInputError("a name is needed (it is empty once spaces are removed)")
    if len(name) > MAX_NAME_LENGTH:
        raise BadIdentityInputError(f"a name has at most {MAX_NAME_LENGTH} characters")
    odd = [char for char in name if not _name_character(char)]
    if odd:
        raise BadIdentityInputError(
            f"{typed!r} is not a name: {odd[0]!r} (U+{ord(odd[0]):04X}) is not a letter, digit "
            "or one of . - _ @ '"
        )
    if _mixed_script(name):
        raise BadIdentityInputError(
            f"{typed!r} mixes scripts ({', '.join(sorted(_scripts(name))).lower()}): "
            "a look-alike of another name is refused"
        )
    return name


def person_name(typed: str) -> str:
    """:func:`normalize_name`, refusing lotwise's own names: a person is never ``lotwise-*``."""
    name = normalize_name(typed)
    if name.startswith(RESERVED_PREFIX):
        raise BadIdentityInputError(
            f"{typed!r} is reserved for lotwise itself (names starting with {RESERVED_PREFIX!r})"
        )
    return name


def _name_character(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in NAME_PUNCTUATION


def _scripts(name: str) -> set[str]:
    return set(categories.unique_aliases(name)) - NEUTRAL_SCRIPTS


def _mixed_script(name: str) -> bool:
    scripts = _scripts(name)
    return len(scripts) > 1 and not any(scripts <= family for family in SCRIPT_FAMILIES)
