"""Sign-up and sign-in helpers for the account tests: tokens and refresh tokens together."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.graph_gateway.conftest import PASSWORD, Gateway

_emails = itertools.count(1)

AUTH_FIELDS = "token refreshToken user { id email timeZone }"
SIGN_UP = f"""
mutation($e: String!, $p: String!, $z: String) {{
  signUp(email: $e, password: $p, timeZone: $z) {{ {AUTH_FIELDS} }}
}}"""
LOG_IN = (
    f"mutation($e: String!, $p: String!) {{ logIn(email: $e, password: $p) {{ {AUTH_FIELDS} }} }}"
)
REFRESH = f"mutation($r: String!) {{ refreshToken(refreshToken: $r) {{ {AUTH_FIELDS} }} }}"
ME = "{ me { id email timeZone } }"


@dataclass(frozen=True)
class Session:
    """One signed-in session of a test account."""

    user_id: str
    email: str
    token: str
    refresh_token: str


def session_of(payload: dict[str, Any]) -> Session:
    """The session an `AuthPayload` describes."""
    return Session(
        user_id=payload["user"]["id"],
        email=payload["user"]["email"],
        token=payload["token"],
        refresh_token=payload["refreshToken"],
    )


def fresh_email() -> str:
    """An email no test has used yet."""
    return f"account{next(_emails)}@example.com"


async def sign_up(gateway: Gateway, *, time_zone: str | None = None) -> Session:
    """A new account's first session."""
    data = await gateway.ok(
        SIGN_UP, {"e": fresh_email(), "p": PASSWORD, "z": time_zone}, token=None
    )
    return session_of(data["signUp"])


async def log_in(gateway: Gateway, email: str, password: str = PASSWORD) -> Session:
    """Another session of an existing account."""
    data = await gateway.ok(LOG_IN, {"e": email, "p": password}, token=None)
    return session_of(data["logIn"])


async def me_code(gateway: Gateway, token: str) -> str | None:
    """`me` with this credential: None when it works, else the error code."""
    body = await gateway.post(ME, token=token)
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None
