"""Remove credentials from evidence before it is hashed and written.

The log is append-only, so a secret written once could never be removed: redaction happens
before hashing, and the hash covers the redacted form. Two rules apply, at any depth:

- the value of a mapping key named like a credential (``api_key``, ``x-api-key``,
  ``access_token``, ``client_secret``, ``password``, ``Authorization``, ``cookie`` ...) is
  replaced, unless it is ``null`` or a boolean (which carry no secret);
- inside every string, credential-shaped text is replaced: ``Authorization:`` header values,
  ``Bearer`` tokens, ``name=value`` assignments whose name looks like a credential,
  passwords in URLs, and keys with a recognizable format (OpenAI/Anthropic ``sk-...``,
  GitHub ``ghp_...``, Slack ``xox.-...``, AWS ``AKIA...``, JSON Web Tokens).

Mapping keys themselves are kept: they are field names, not values.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

REDACTED = "[REDACTED]"

# Squashed (lower case, letters and digits only) key names that hold credentials. "token"
# matches as a suffix only, so usage counters such as "prompt_tokens" or "max_tokens" stay.
_SECRET_KEY_PARTS = (
    "apikey",
    "secret",
    "password",
    "passwd",
    "passphrase",
    "authorization",
    "privatekey",
    "accesskey",
    "credential",
    "cookie",
)
_SECRET_KEY_SUFFIX = "token"
_NON_ALNUM = re.compile(r"[^a-z0-9]")

# Every alternative starts with a literal (a header name, a credential word, "://", a token
# prefix), so the scan stays linear and cheap on ordinary text. For assignments only the
# credential word onwards is matched: "openai_api_key=..." keeps "openai_" and redacts after.
_SECRET_TEXT = re.compile(
    r"""
      (?P<header>(?i:\b(?:proxy-)?authorization|\bx-api-key)["']?\s*[:=]\s*)
        (?P<header_value>"[^"\n]*"|'[^'\n]*'|[^\n]+)
    | (?P<assign>(?i:api[_-]?key|secret|password|passwd|passphrase|token)["']?\s*[:=]\s*)
        (?P<assign_value>"[^"]*"|'[^']*'|[^\s"',;&}\]]+)
    | (?P<url>://[^/\s:@]+:)(?P<url_value>[^/\s@]+)(?=@)
    | (?P<bearer>(?i:\bbearer\s+))(?P<bearer_value>[A-Za-z0-9._~+/-]+=*)
    | (?P<token>
          \bsk-[A-Za-z0-9][A-Za-z0-9_-]{15,}
        | \bgh[pousr]_[A-Za-z0-9]{30,}
        | \bxox[abposr]-[A-Za-z0-9-]{10,}
        | \b(?:AKIA|ASIA)[0-9A-Z]{16}\b
        | \beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+
      )
    """,
    re.VERBOSE,
)

# Lower-case fragments of which every pattern above contains at least one: text with none of
# them (most evidence text) skips the full expression, which is slow on long strings.
_TRIGGERS = re.compile(
    "authoriz|api-key|api_key|apikey|secret|passw|passphrase|token|://|bearer|sk-"
    "|ghp_|gho_|ghu_|ghs_|ghr_|xox|akia|asia|eyj"
)

# Which group of ``_SECRET_TEXT`` holds the label that stays in front of each kind of secret.
_LABEL_OF = {
    "header_value": "header",
    "assign_value": "assign",
    "url_value": "url",
    "bearer_value": "bearer",
}


def redact(value: Any) -> Any:
    """A copy of the JSON value ``value`` with every credential replaced by ``[REDACTED]``.

    ``value`` is what ``to_jsonable`` returns: only exact ``str``, ``dict`` and ``list`` occur.
    """
    kind = type(value)
    if kind is str:
        return redact_text(value)
    if kind is dict:
        return {key: _redact_member(key, item) for key, item in value.items()}
    if kind is list:
        return [redact(item) for item in value]
    return value


@lru_cache(maxsize=4096)  # the same few field names recur in every record
def is_secret_key(key: str) -> bool:
    squashed = _NON_ALNUM.sub("", key.lower())
    return squashed.endswith(_SECRET_KEY_SUFFIX) or any(
        part in squashed for part in _SECRET_KEY_PARTS
    )


def redact_text(text: str) -> str:
    if _TRIGGERS.search(text.lower()) is None:
        return text
    return _SECRET_TEXT.sub(_replacement, text)


def _redact_member(key: str, item: Any) -> Any:
    if is_secret_key(key) and item is not None and not isinstance(item, bool):
        return REDACTED
    return redact(item)


def _replacement(match: re.Match[str]) -> str:
    """Keep the label (header name, ``key=``, ``Bearer``, URL user), replace the secret."""
    secret_group = match.lastgroup or "token"
    label_group = _LABEL_OF.get(secret_group)
    label = match[label_group] if label_group else ""
    return label + _keep_quotes(match[secret_group])


def _keep_quotes(secret: str) -> str:
    if len(secret) >= 2 and secret[0] == secret[-1] and secret[0] in "\"'":
        return secret[0] + REDACTED + secret[0]
    return REDACTED
