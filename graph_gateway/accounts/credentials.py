"""Opaque credentials: API keys and refresh tokens, made random and kept only as keyed hashes.

Both are 256-bit random secrets, so a fast keyed hash (HMAC-SHA256 with a server-side key) is
the right way to store them: a stolen table is useless without the key, and a lookup is one
indexed equality. (Slow hashes like argon2 are for low-entropy passwords.)

API keys look like GitHub's tokens: a recognisable prefix so secret scanners can find leaked
ones (`fck_`), 40 base-62 characters of randomness, and a 6-character CRC32 checksum, so a
mistyped or truncated key is refused without a database read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import zlib

API_KEY_PREFIX = "fck_"
REFRESH_TOKEN_PREFIX = "fcr_"  # noqa: S105 - a public prefix, not a secret
API_KEY_RANDOM_CHARS = 40
CHECKSUM_CHARS = 6
API_KEY_LENGTH = len(API_KEY_PREFIX) + API_KEY_RANDOM_CHARS + CHECKSUM_CHARS
# What `ApiKey.prefix` shows: enough to tell a user's keys apart, far too little to guess with.
VISIBLE_PREFIX_LENGTH = len(API_KEY_PREFIX) + 8
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_CHARS)


def new_api_key() -> str:
    """A fresh API key: prefix, 40 random base-62 characters (~238 bits), checksum."""
    body = "".join(secrets.choice(_BASE62) for _ in range(API_KEY_RANDOM_CHARS))
    return f"{API_KEY_PREFIX}{body}{_checksum(body)}"


def looks_like_api_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key (it has the prefix)."""
    return token.startswith(API_KEY_PREFIX)


def well_formed_api_key(key: str) -> bool:
    """Whether an API key has the right length, alphabet and checksum."""
    if len(key) != API_KEY_LENGTH or not key.startswith(API_KEY_PREFIX):
        return False
    body = key[len(API_KEY_PREFIX) : -CHECKSUM_CHARS]
    if any(c not in _BASE62 for c in body):
        return False
    return hmac.compare_digest(_checksum(body), key[-CHECKSUM_CHARS:])


def new_refresh_token() -> str:
    """A fresh opaque refresh token (256 random bits)."""
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


class CredentialHasher:
    """Keyed hashes of opaque credentials, one key for the whole gateway."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, credential: str) -> str:
        """The hex HMAC-SHA256 stored (and looked up) for a credential."""
        return hmac.new(self._key, credential.encode(), hashlib.sha256).hexdigest()
