"""Personal tokens: generated once, stored only as a salted scrypt hash (RFC 7914).

A token is 32 random bytes (256 bits), so the hash protects it even with moderate scrypt
costs; the cost still makes a stolen ``users.yaml`` expensive to test guesses against.
Comparison is constant-time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pydantic import BaseModel, ConfigDict, Field

TOKEN_BYTES = 32
SALT_BYTES = 16
HASH_BYTES = 32
SCRYPT_N = 2**14  # 16 MiB with r = 8: about 50 ms per check
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 64 * 1024 * 1024


class TokenHash(BaseModel):
    """The stored form of a token; the bounds keep a tampered file from asking for
    gigabytes of memory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: str = Field(pattern="^scrypt$")
    n: int = Field(ge=2**10, le=2**17)
    r: int = Field(ge=1, le=16)
    p: int = Field(ge=1, le=4)
    salt: str = Field(pattern="^[0-9a-f]{32,128}$")
    hash: str = Field(pattern="^[0-9a-f]{64}$")

    def matches(self, token: str) -> bool:
        if self.n & (self.n - 1):  # scrypt needs a power of two
            return False
        candidate = _scrypt(token, bytes.fromhex(self.salt), self.n, self.r, self.p)
        return hmac.compare_digest(candidate, bytes.fromhex(self.hash))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> TokenHash:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(token, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return TokenHash(
        scheme="scrypt", n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, salt=salt.hex(), hash=digest.hex()
    )


def burn_time(token: str) -> None:
    """As much work as a real check, for a name that has no entry: the answer for an unknown
    user takes as long as for a wrong token."""
    _scrypt(token, b"\0" * SALT_BYTES, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _scrypt(token: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        token.encode(), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=HASH_BYTES
    )
