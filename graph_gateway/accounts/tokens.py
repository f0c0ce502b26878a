"""JWT access tokens (HS256): short-lived, bound to a session (`sid`) that can be revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from fc_common.pagination import MAX_ROW_ID
from graph_gateway.errors import UnauthenticatedError

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "sid", "iat", "exp", "iss", "aud"]
CLOCK_SKEW = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """Who a valid access token speaks for, and in which session."""

    user_id: int
    session_id: int


def canonical_id(value: object) -> int | None:
    """The id a claim names: canonical ASCII decimal (as `issue` writes it) in the row-id range;
    None for anything else (`"٢"`, `"01"`, `" 1"`, `"1e3"`, out of range)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value) > len(str(MAX_ROW_ID)) or value != str(int(value)):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ROW_ID else None


class Tokens:
    """Issue and verify access tokens carrying the user id in `sub` and the session in `sid`."""

    def __init__(self, *, secret: str, ttl: timedelta, issuer: str, audience: str) -> None:
        self._secret = secret
        self.ttl = ttl
        self._issuer = issuer
        self._audience = audience

    def issue(self, user_id: int, *, session_id: int, now: datetime | None = None) -> str:
        """A signed token for the user's session, valid for the configured lifetime."""
        issued_at = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": issued_at,
            "exp": issued_at + self.ttl,
            "iss": self._issuer,
            "aud": self._audience,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid token; expired, malformed or forged ones are refused."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=CLOCK_SKEW,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise UnauthenticatedError("The token has expired; refresh it or log in again") from exc
        except jwt.InvalidTokenError as exc:
            raise UnauthenticatedError("The token is invalid") from exc
        user_id, session_id = canonical_id(claims["sub"]), canonical_id(claims["sid"])
        if user_id is None or session_id is None:
            raise UnauthenticatedError("The token is invalid")
        return AccessClaims(user_id=user_id, session_id=session_id)
