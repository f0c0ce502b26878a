"""JWT access tokens (HS256): issued at sign-up and log-in, checked on every request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from fc_common.pagination import MAX_ROW_ID
from graph_gateway.errors import UnauthenticatedError

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "iat", "exp", "iss", "aud"]
CLOCK_SKEW = timedelta(seconds=10)


class Tokens:
    """Issue and verify access tokens carrying the user id in `sub`."""

    def __init__(self, *, secret: str, ttl: timedelta, issuer: str, audience: str) -> None:
        self._secret = secret
        self._ttl = ttl
        self._issuer = issuer
        self._audience = audience

    def issue(self, user_id: int, *, now: datetime | None = None) -> str:
        """A signed token for the user, valid for the configured lifetime from `now`."""
        issued_at = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "iat": issued_at,
            "exp": issued_at + self._ttl,
            "iss": self._issuer,
            "aud": self._audience,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> int:
        """The user id of a valid token; expired, malformed or forged ones are refused."""
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
            raise UnauthenticatedError("The token has expired; log in again") from exc
        except jwt.InvalidTokenError as exc:
            raise UnauthenticatedError("The token is invalid") from exc
        user_id = user_id_from_subject(claims["sub"])
        if user_id is None:
            raise UnauthenticatedError("The token is invalid")
        return user_id


def user_id_from_subject(subject: object) -> int | None:
    """The user id a token's `sub` names: canonical ASCII decimal (as `issue` writes it) in the
    id range; None for anything else (`"٢"`, `"01"`, `" 1"`, `"1e3"`, out of range)."""
    if not isinstance(subject, str) or not (subject.isascii() and subject.isdigit()):
        return None
    if len(subject) > len(str(MAX_ROW_ID)) or subject != str(int(subject)):
        return None
    user_id = int(subject)
    return user_id if 1 <= user_id <= MAX_ROW_ID else None
