"""Sessions: refresh rotation with reuse detection, log-out, log-out everywhere, password change,
and revocation seen by another gateway replica within a second."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt

from graph_gateway.app import create_app
from tests.graph_gateway.accounts.conftest import GatewayWith
from tests.graph_gateway.accounts.helpers import (
    LOG_IN,
    REFRESH,
    log_in,
    me_code,
    session_of,
    sign_up,
)
from tests.graph_gateway.conftest import PASSWORD, Gateway, error_codes
from tests.support.service_app import started

CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) { token refreshToken user { id } }
}"""
NEW_PASSWORD = "a much longer passphrase 2"


async def test_access_token_is_short_lived_and_names_its_session(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    claims = jwt.decode(session.token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["sid"].isdigit() and claims["sub"] == session.user_id
    assert session.refresh_token.startswith("fcr_")


async def test_refresh_rotates_and_the_old_refresh_token_dies(gateway: Gateway) -> None:
    first = await sign_up(gateway)
    rotated = session_of(
        (await gateway.ok(REFRESH, {"r": first.refresh_token}, token=None))["refreshToken"]
    )
    assert rotated.refresh_token != first.refresh_token
    assert await me_code(gateway, rotated.token) is None
    again = await gateway.ok(REFRESH, {"r": rotated.refresh_token}, token=None)
    assert await me_code(gateway, again["refreshToken"]["token"]) is None


async def test_reusing_a_refresh_token_revokes_the_whole_session(gateway: Gateway) -> None:
    first = await sign_up(gateway)
    other = await log_in(gateway, first.email)  # a second session must survive
    rotated = session_of(
        (await gateway.ok(REFRESH, {"r": first.refresh_token}, token=None))["refreshToken"]
    )
    reuse = await gateway.post(REFRESH, {"r": first.refresh_token})
    assert error_codes(reuse) == ["UNAUTHENTICATED"]
    # The family is dead: the newest access and refresh tokens too.
    assert await me_code(gateway, rotated.token) == "UNAUTHENTICATED"
    assert error_codes(await gateway.post(REFRESH, {"r": rotated.refresh_token})) == [
        "UNAUTHENTICATED"
    ]
    assert await me_code(gateway, other.token) is None


async def test_unknown_and_expired_refresh_tokens_are_refused(
    gateway: Gateway, gateway_with: GatewayWith
) -> None:
    for bogus in ("", "fcr_nope", "x" * 256):
        assert error_codes(await gateway.post(REFRESH, {"r": bogus})) == ["UNAUTHENTICATED"]
    too_long = await gateway.post(REFRESH, {"r": "x" * 257})  # refused at the edge, unread
    assert error_codes(too_long) == ["BAD_USER_INPUT"]
    assert too_long["errors"][0]["extensions"]["field"] == "refreshToken"
    async with gateway_with(refresh_token_ttl_days=1.5 / 86_400) as brief:
        session = await sign_up(brief)
        await asyncio.sleep(1.6)
        assert error_codes(await brief.post(REFRESH, {"r": session.refresh_token})) == [
            "UNAUTHENTICATED"
        ]
        assert await me_code(brief, session.token) is None  # the session itself lives on


async def test_log_out_ends_only_this_session(gateway: Gateway) -> None:
    first = await sign_up(gateway)
    second = await log_in(gateway, first.email)
    assert (await gateway.ok("mutation { logOut }", token=first.token)) == {"logOut": True}
    assert await me_code(gateway, first.token) == "UNAUTHENTICATED"
    assert error_codes(await gateway.post(REFRESH, {"r": first.refresh_token})) == [
        "UNAUTHENTICATED"
    ]
    assert await me_code(gateway, second.token) is None


async def test_log_out_everywhere_ends_every_session(gateway: Gateway) -> None:
    first = await sign_up(gateway)
    second = await log_in(gateway, first.email)
    stranger = await sign_up(gateway)
    data = await gateway.ok("mutation { logOutEverywhere }", token=second.token)
    assert data == {"logOutEverywhere": True}
    for session in (first, second):
        assert await me_code(gateway, session.token) == "UNAUTHENTICATED"
        assert error_codes(await gateway.post(REFRESH, {"r": session.refresh_token})) == [
            "UNAUTHENTICATED"
        ]
    assert await me_code(gateway, stranger.token) is None
    assert await me_code(gateway, (await log_in(gateway, first.email)).token) is None


async def test_change_password_ends_every_session_and_starts_a_new_one(gateway: Gateway) -> None:
    first = await sign_up(gateway)
    second = await log_in(gateway, first.email)
    data = await gateway.ok(CHANGE, {"c": PASSWORD, "n": NEW_PASSWORD}, token=first.token)
    fresh = data["changePassword"]
    for session in (first, second):
        assert await me_code(gateway, session.token) == "UNAUTHENTICATED"
    assert await me_code(gateway, fresh["token"]) is None
    old = await gateway.post(LOG_IN, {"e": first.email, "p": PASSWORD})
    assert error_codes(old) == ["UNAUTHENTICATED"]
    assert await me_code(gateway, (await log_in(gateway, first.email, NEW_PASSWORD)).token) is None


async def test_change_password_refusals_change_nothing(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    cases = [
        ("wrong current password", NEW_PASSWORD, "currentPassword"),
        (PASSWORD, "password1", "newPassword"),  # on the common-password list
        (PASSWORD, "short", "newPassword"),
        (PASSWORD, PASSWORD, "newPassword"),
    ]
    for current, new, field in cases:
        body = await gateway.post(CHANGE, {"c": current, "n": new}, token=session.token)
        assert error_codes(body) == ["BAD_USER_INPUT"], (current, new)
        assert body["errors"][0]["extensions"]["field"] == field
    assert await me_code(gateway, session.token) is None
    await log_in(gateway, session.email)  # the password is unchanged


async def test_revocation_reaches_another_replica_within_a_second(gateway: Gateway) -> None:
    """Two gateway processes on one accounts database: a log-out on one is refused by the
    other within its cache lifetime (at most one second)."""
    replica_app = create_app(
        gateway.settings, calendar_transport=gateway.calendar, diary_transport=gateway.diary
    )
    async with (
        started(replica_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=replica_app), base_url="http://replica"
        ) as http,
    ):
        replica = Gateway(
            http=http,
            calendar=gateway.calendar,
            diary=gateway.diary,
            settings=gateway.settings,
            app=replica_app,
        )
        session = await sign_up(gateway)
        assert await me_code(replica, session.token) is None  # now cached on the replica
        await gateway.ok("mutation { logOut }", token=session.token)
        revoked_at = time.monotonic()
        while await me_code(replica, session.token) is None:
            assert time.monotonic() - revoked_at < 1.5, "the replica still accepts the token"
            await asyncio.sleep(0.05)
        assert time.monotonic() - revoked_at <= 1.1 + 0.2
