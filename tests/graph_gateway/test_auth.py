"""Accounts and tokens: sign-up, log-in, and every way a token can be wrong."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from graph_gateway.accounts.tokens import Tokens
from graph_gateway.settings import GatewaySettings
from tests.graph_gateway.conftest import JWT_SECRET, PASSWORD, Gateway, error_codes

SIGN_UP = """
mutation($email: String!, $password: String!, $name: String) {
  signUp(email: $email, password: $password, displayName: $name) {
    token user { id email displayName createdAt }
  }
}"""
LOG_IN = """
mutation($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { token user { id email } }
}"""
ME = "{ me { id email displayName } }"


def tokens_for(settings: GatewaySettings, *, secret: str | None = None) -> Tokens:
    """A token issuer like the gateway's, optionally with another secret."""
    return Tokens(
        secret=secret or settings.jwt_secret.get_secret_value(),
        ttl=timedelta(minutes=settings.jwt_ttl_minutes),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


async def test_sign_up_then_log_in_and_read_me(gateway: Gateway) -> None:
    variables = {"email": "  Kim@Example.COM ", "password": PASSWORD, "name": "김민지 🌙"}
    signed_up = (await gateway.ok(SIGN_UP, variables, token=None))["signUp"]
    assert signed_up["user"]["email"] == "kim@example.com"
    assert signed_up["user"]["displayName"] == "김민지 🌙"
    assert datetime.fromisoformat(signed_up["user"]["createdAt"]).tzinfo is not None

    logged_in = (
        await gateway.ok(LOG_IN, {"email": "KIM@example.com", "password": PASSWORD}, token=None)
    )["logIn"]
    assert logged_in["user"]["id"] == signed_up["user"]["id"]
    me = (await gateway.ok(ME, token=logged_in["token"]))["me"]
    assert me == {
        "id": signed_up["user"]["id"],
        "email": "kim@example.com",
        "displayName": "김민지 🌙",
    }


async def test_duplicate_email_is_refused_whatever_its_case(gateway: Gateway) -> None:
    await gateway.sign_up("lee@example.com")
    body = await gateway.post(SIGN_UP, {"email": "LEE@example.com", "password": PASSWORD})
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "email"}


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("a@b", PASSWORD, "email"),
        ("ok@example.com", "short", "password"),
        ("ok@example.com", "x" * 129, "password"),
    ],
)
async def test_sign_up_validates_email_and_password(
    gateway: Gateway, email: str, password: str, field: str
) -> None:
    body = await gateway.post(SIGN_UP, {"email": email, "password": password})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_wrong_email_and_wrong_password_get_the_same_error(gateway: Gateway) -> None:
    await gateway.sign_up("park@example.com")
    wrong_password = await gateway.post(
        LOG_IN, {"email": "park@example.com", "password": "not the password"}
    )
    wrong_email = await gateway.post(LOG_IN, {"email": "nobody@example.com", "password": PASSWORD})
    assert error_codes(wrong_password) == error_codes(wrong_email) == ["UNAUTHENTICATED"]
    assert wrong_password["errors"][0]["message"] == wrong_email["errors"][0]["message"]


async def test_everything_but_sign_up_and_log_in_needs_a_token(gateway: Gateway) -> None:
    body = await gateway.post("{ me { id } tags { id } }")
    assert body["data"] == {"me": None, "tags": None}
    assert error_codes(body) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
    mutation = await gateway.post(
        'mutation { createTag(input: {name: "x", color: "#000000"}) { id } }'
    )
    assert error_codes(mutation) == ["UNAUTHENTICATED"]
    assert gateway.calendar.calls == []


async def test_introspection_needs_no_token(gateway: Gateway) -> None:
    data = await gateway.ok("{ __schema { queryType { name } } }", token=None)
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_expired_token_is_refused(gateway: Gateway) -> None:
    token = await gateway.sign_up()
    claims = jwt.decode(token, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(minutes=gateway.settings.jwt_ttl_minutes + 5)
    expired = tokens_for(gateway.settings).issue(
        int(claims["sub"]), session_id=int(claims["sid"]), now=past
    )
    body = await gateway.post(ME, token=expired)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "expired" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "bad_token",
    [
        "not-a-jwt",
        "a.b.c",
        jwt.encode({"sub": "1"}, JWT_SECRET, algorithm="HS256"),  # no exp/iat/iss/aud
        jwt.encode(
            {"sub": "1", "iat": int(time.time()), "exp": int(time.time()) + 60},
            JWT_SECRET,
            algorithm="HS256",
        ),
    ],
)
async def test_malformed_tokens_are_refused(gateway: Gateway, bad_token: str) -> None:
    assert error_codes(await gateway.post(ME, token=bad_token)) == ["UNAUTHENTICATED"]


async def test_forged_token_is_refused(gateway: Gateway) -> None:
    token = await gateway.sign_up()
    claims = jwt.decode(token, options={"verify_signature": False})
    user_id = int(claims["sub"])
    forged = tokens_for(gateway.settings, secret="another-secret-0123456789abcdef!!").issue(
        user_id, session_id=int(claims["sid"])
    )
    assert error_codes(await gateway.post(ME, token=forged)) == ["UNAUTHENTICATED"]
    unsigned = jwt.encode({"sub": str(user_id)}, key=None, algorithm="none")
    assert error_codes(await gateway.post(ME, token=unsigned)) == ["UNAUTHENTICATED"]


async def test_wrong_authorization_scheme_is_refused(gateway: Gateway) -> None:
    token = await gateway.sign_up()
    response = await gateway.http.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Basic {token}"}
    )
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


def test_default_or_short_jwt_secret_is_refused_in_production() -> None:
    internal = "i" * 40
    with pytest.raises(ValidationError, match="GATEWAY_JWT_SECRET"):
        GatewaySettings(environment="production", internal_token=internal)
    with pytest.raises(ValidationError, match="GATEWAY_JWT_SECRET"):
        GatewaySettings(environment="production", internal_token=internal, jwt_secret="too-short")
    accepted = GatewaySettings(
        environment="production", internal_token=internal, jwt_secret="s" * 32
    )
    assert accepted.port == 5000
