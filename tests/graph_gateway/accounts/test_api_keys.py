"""API keys: shown once, hashed, scoped, expiring, revocable, limited per user and per key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, text

from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.accounts.conftest import GatewayWith
from tests.graph_gateway.accounts.helpers import me_code, sign_up
from tests.graph_gateway.conftest import Gateway, error_codes

CREATE = """mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { key apiKey { id name scopes prefix createdAt lastUsedAt expiresAt } }
}"""
LIST = "{ apiKeys { id name scopes prefix lastUsedAt expiresAt } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) }"
CREATE_TAG = 'mutation { createTag(input: {name: "from a key", color: "#123456"}) { id } }'


async def create_key(
    gateway: Gateway, token: str, *, scopes: list[str], **extra: Any
) -> dict[str, Any]:
    """Make a key; the `createApiKey` payload."""
    data = await gateway.ok(
        CREATE, {"i": {"name": "script", "scopes": scopes, **extra}}, token=token
    )
    payload: dict[str, Any] = data["createApiKey"]
    return payload


async def test_a_key_is_shown_once_prefixed_and_stored_hashed(
    gateway: Gateway, make_database_url: DatabaseUrlFactory
) -> None:
    session = await sign_up(gateway)
    created = await create_key(gateway, session.token, scopes=["READ"])
    key = created["key"]
    assert key.startswith("fck_") and len(key) == 50
    assert created["apiKey"]["prefix"] == key[:12]
    listed = (await gateway.ok(LIST, token=session.token))["apiKeys"]
    assert listed == [
        {
            "id": created["apiKey"]["id"],
            "name": "script",
            "scopes": ["READ"],
            "prefix": key[:12],
            "lastUsedAt": None,
            "expiresAt": None,
        }
    ]
    assert key not in str(listed)
    engine = create_engine(gateway.settings.database_url)
    with engine.connect() as conn:
        stored = [str(v) for row in conn.execute(text("SELECT * FROM api_key")) for v in row]
    engine.dispose()
    assert all(key not in value and key[12:] not in value for value in stored)


async def test_read_key_queries_but_cannot_mutate(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    key = (await create_key(gateway, session.token, scopes=["READ"]))["key"]
    data = await gateway.ok("{ me { id } tags { id } }", token=key)
    assert data["me"]["id"] == session.user_id
    refused = await gateway.post(CREATE_TAG, token=key)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert "data" not in refused or refused["data"] is None
    assert (await gateway.ok("{ tags { id } }", token=session.token))["tags"] == []


async def test_write_key_mutates_and_last_used_is_recorded(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    key = (await create_key(gateway, session.token, scopes=["WRITE", "READ", "WRITE"]))["key"]
    assert (await gateway.ok(CREATE_TAG, token=key))["createTag"]["id"]
    listed = (await gateway.ok(LIST, token=session.token))["apiKeys"][0]
    assert listed["scopes"] == ["READ", "WRITE"]
    used = datetime.fromisoformat(listed["lastUsedAt"])
    assert datetime.now(UTC) - used < timedelta(minutes=1)


async def test_no_key_manages_keys_sessions_password_or_account(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    key = (await create_key(gateway, session.token, scopes=["READ", "WRITE"]))["key"]
    key_id = (await gateway.ok(LIST, token=session.token))["apiKeys"][0]["id"]
    for operation, variables in [
        (LIST, {}),
        (CREATE, {"i": {"name": "another", "scopes": ["READ"]}}),
        (REVOKE, {"id": key_id}),
        ("mutation { logOut }", {}),
        ("mutation { logOutEverywhere }", {}),
        ('mutation { changePassword(currentPassword: "x", newPassword: "y") { token } }', {}),
        ('mutation { updateMe(input: {timeZone: "Asia/Seoul"}) { id } }', {}),
        ("mutation { exportMyData { url } }", {}),
        ('mutation { deleteAccount(password: "x") }', {}),
    ]:
        body = await gateway.post(operation, variables, token=key)
        assert error_codes(body) == ["FORBIDDEN"], operation
    assert len((await gateway.ok(LIST, token=session.token))["apiKeys"]) == 1
    assert await me_code(gateway, session.token) is None


async def test_revoked_key_is_refused_and_another_users_key_is_not_found(gateway: Gateway) -> None:
    owner, stranger = await sign_up(gateway), await sign_up(gateway)
    created = await create_key(gateway, owner.token, scopes=["READ"])
    key_id = created["apiKey"]["id"]
    assert error_codes(await gateway.post(REVOKE, {"id": key_id}, token=stranger.token)) == [
        "NOT_FOUND"
    ]
    assert await me_code(gateway, created["key"]) is None
    assert (await gateway.ok(REVOKE, {"id": key_id}, token=owner.token)) == {"revokeApiKey": key_id}
    assert await me_code(gateway, created["key"]) == "UNAUTHENTICATED"
    assert (await gateway.ok(LIST, token=owner.token))["apiKeys"] == []
    again = await gateway.post(REVOKE, {"id": key_id}, token=owner.token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_expired_key_is_refused(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    key = (await create_key(gateway, session.token, scopes=["READ"], expiresAt=soon))["key"]
    assert await me_code(gateway, key) is None
    await asyncio.sleep(1.2)
    assert await me_code(gateway, key) == "UNAUTHENTICATED"


async def test_malformed_keys_are_refused(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    key = (await create_key(gateway, session.token, scopes=["READ"]))["key"]
    last = "A" if key[-1] != "A" else "B"
    for bad in (key[:-1] + last, key[:-1], key + "0", "fck_", "fck_" + "-" * 46):
        assert await me_code(gateway, bad) == "UNAUTHENTICATED", bad


async def test_key_input_limits(gateway: Gateway) -> None:
    session = await sign_up(gateway)
    now = datetime.now(UTC)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": "", "scopes": ["READ"]}, "name"),
        ({"name": "k" * 101, "scopes": ["READ"]}, "name"),
        ({"name": "ok", "scopes": []}, "scopes"),
        ({"name": "ok", "scopes": ["READ"], "expiresAt": now.isoformat()}, "expiresAt"),
        (
            {
                "name": "ok",
                "scopes": ["READ"],
                "expiresAt": (now + timedelta(days=367)).isoformat(),
            },
            "expiresAt",
        ),
    ]
    for key_input, field in cases:
        body = await gateway.post(CREATE, {"i": key_input}, token=session.token)
        assert error_codes(body) == ["BAD_USER_INPUT"], key_input
        assert body["errors"][0]["extensions"]["field"] == field
    assert (await gateway.ok(LIST, token=session.token))["apiKeys"] == []
    longest = {
        "name": "k" * 100,
        "scopes": ["READ"],
        "expiresAt": (now + timedelta(days=365)).isoformat(),
    }
    await gateway.ok(CREATE, {"i": longest}, token=session.token)


async def test_at_most_max_keys_per_user(gateway_with: GatewayWith) -> None:
    async with gateway_with(max_api_keys_per_user=3) as small:
        session = await sign_up(small)
        for _ in range(3):
            await create_key(small, session.token, scopes=["READ"])
        over = await small.post(
            CREATE, {"i": {"name": "4th", "scopes": ["READ"]}}, token=session.token
        )
        assert error_codes(over) == ["BAD_USER_INPUT"]
        assert len((await small.ok(LIST, token=session.token))["apiKeys"]) == 3


async def test_each_key_has_its_own_rate_limit(gateway_with: GatewayWith) -> None:
    async with gateway_with(rate_limit_enabled=True, rate_limit_per_api_key="3/minute") as limited:
        session = await sign_up(limited)
        first = (await create_key(limited, session.token, scopes=["READ"]))["key"]
        second = (await create_key(limited, session.token, scopes=["READ"]))["key"]
        for _ in range(3):
            assert await me_code(limited, first) is None
        response = await limited.http.post(
            "/graphql",
            json={"query": "{ me { id } }"},
            headers={"authorization": f"Bearer {first}"},
        )
        assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
        assert error_codes(response.json()) == ["RATE_LIMITED"]
        assert await me_code(limited, second) is None
        assert await me_code(limited, session.token) is None
