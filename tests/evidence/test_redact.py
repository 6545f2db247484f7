"""Credentials never survive into evidence, wherever they appear; ordinary data does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.evidence import REDACTED, redact
from agent.evidence.redact import is_secret_key, redact_text

OPENAI_KEY = "sk-proj-4fJ9aQ2mZx7LwT1bN8cV5dR3"
ANTHROPIC_KEY = "sk-ant-api03-Qm7Zp1xW9vL3kT5rB2nY8cJ4"


def test_api_key_in_a_prompt_is_redacted() -> None:
    prompt = f"Call the broker with key {OPENAI_KEY} and then summarize."
    assert redact_text(prompt) == f"Call the broker with key {REDACTED} and then summarize."
    assert ANTHROPIC_KEY not in redact_text(f"key={ANTHROPIC_KEY}")


def test_secrets_in_nested_outputs_are_redacted() -> None:
    outputs = {
        "calls": [
            {
                "request": {
                    "headers": {
                        "Authorization": "Basic dXNlcjpwYXNz",
                        "X-Api-Key": "abc123",
                        "Accept": "json",
                    },
                    "body": f"note: {OPENAI_KEY}",
                }
            }
        ],
        "config": {
            "openai_api_key": OPENAI_KEY,
            "client_secret": 42,
            "password": "hunter2",
            "access_token": ["a", "b"],
            "api_key": None,
            "password_required": True,
        },
    }
    assert redact(outputs) == {
        "calls": [
            {
                "request": {
                    "headers": {"Authorization": REDACTED, "X-Api-Key": REDACTED, "Accept": "json"},
                    "body": f"note: {REDACTED}",
                }
            }
        ],
        "config": {
            "openai_api_key": REDACTED,
            "client_secret": REDACTED,
            "password": REDACTED,
            "access_token": REDACTED,
            "api_key": None,
            "password_required": True,
        },
    }


def test_bearer_tokens_and_authorization_headers_in_text() -> None:
    assert redact_text("curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://x") == (
        "curl -H 'Authorization: [REDACTED]"
    )
    assert redact_text("token type Bearer abc.DEF-123_456~+/= sent") == (
        f"token type Bearer {REDACTED} sent"
    )
    assert redact_text('{"authorization": "Bearer abc", "n": 1}') == (
        f'{{"authorization": "{REDACTED}", "n": 1}}'
    )
    assert redact_text("GET /\nAuthorization: Basic dXNlcg==\nAccept: */*") == (
        f"GET /\nAuthorization: {REDACTED}\nAccept: */*"
    )


def test_assignments_urls_and_known_token_formats() -> None:
    assert redact_text("https://api.x.com/v1?api_key=abc123&limit=5") == (
        f"https://api.x.com/v1?api_key={REDACTED}&limit=5"
    )
    assert redact_text('{"password": "p@ss word"}') == f'{{"password": "{REDACTED}"}}'
    assert redact_text("postgres://lotwise:s3cret@db:5432/x") == (
        f"postgres://lotwise:{REDACTED}@db:5432/x"
    )
    for token in (
        "ghp_" + "a1B2" * 9,
        "xoxb-1234567890-abcdef",
        "AKIAABCDEFGHIJKLMNOP",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
    ):
        assert redact_text(f"found {token} here") == f"found {REDACTED} here"


def test_ordinary_data_is_untouched() -> None:
    usage = {"prompt_tokens": 812, "completion_tokens": 64, "max_tokens": 1024}
    text = (
        "Harvest the task-management loss; the basic plan keeps tracking error at 0.8% "
        "with 12 tokens of slack. max_tokens=100 and a sketch-of-the-plan."
    )
    assert redact(usage) == usage
    assert redact_text(text) == text
    assert redact([1, 2.5, None, True]) == [1, 2.5, None, True]


def test_secret_key_names() -> None:
    for key in (
        "api_key",
        "apiKey",
        "X-API-KEY",
        "token",
        "idToken",
        "refresh_token",
        "client_secret",
        "PASSWORD",
        "db_passwd",
        "Authorization",
        "set-cookie",
        "aws_access_key_id",
        "private_key",
        "credentials",
    ):
        assert is_secret_key(key), key
    for key in ("prompt_tokens", "tokens", "model", "symbol", "author", "token_count"):
        assert not is_secret_key(key), key


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    secret=st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=16, max_size=60
    ).filter(lambda s: s[0] not in "_-"),
    before=st.text(max_size=30).map(lambda s: s + " "),
    after=st.text(max_size=30),
    depth=st.integers(0, 3),
)
def test_any_sk_key_anywhere_is_removed(secret: str, before: str, after: str, depth: int) -> None:
    key = f"sk-{secret}"
    value: object = f"{before}{key}{after}"
    for level in range(depth):
        value = {"level": [value]} if level % 2 else [{"text": value}]
    assert key not in repr(redact(value))
