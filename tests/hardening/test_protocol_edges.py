"""Protocol edges: one operation per request, strict dates, odd tokens and multipart maps, and a
GraphQL body on every answer from `/graphql` (400, 404, 405, 413, 415)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

import httpx
import jwt
import pytest

from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack

UPLOAD = 'mutation($f: Upload!) { addDiaryImage(entryId: "1", file: $f) { id } }'


async def test_several_operations_without_an_operation_name_are_refused(
    client: GraphQLClient, member: LiveUser
) -> None:
    document = "query A { me { id } } query B { tags { id } }"
    refused = await client.execute(document, token=member.token)
    assert refused.status_code == 400
    assert refused.data is None
    assert refused.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Must provide operation name" in refused.errors[0]["message"]
    chosen = await client.execute(document, token=member.token, operation_name="B")
    assert chosen.ok() == {"tags": []}


@pytest.mark.parametrize(
    ("argument", "value", "accepted"),
    [
        ("from: $v, to: $v", "2026-01-01", True),
        ("from: $v, to: $v", "20260101", False),
        ("from: $v, to: $v", "2026-1-01", False),
        ("from: $v, to: $v", "2026-01-01T00:00:00Z", False),
        ("from: $v, to: $v", "٢٠٢٦-٠١-٠١", False),
    ],
)
async def test_date_accepts_only_yyyy_mm_dd(
    client: GraphQLClient, member: LiveUser, argument: str, value: str, accepted: bool
) -> None:
    query = f"query($v: Date!) {{ days({argument}) {{ date }} }}"
    result = await client.execute(query, {"v": value}, token=member.token)
    if accepted:
        assert result.ok() == {"days": [{"date": value}]}
    else:
        assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "v"}
        assert value not in result.errors[0]["message"]  # refused, not echoed


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("2026-01-01T09:00:00+09:00", True),
        ("2026-01-01T00:00:00Z", True),
        ("2026-01-01T00:00:00.123456z", True),
        ("2026-01-01T00:00:00", False),
        ("2026-01-01", False),
        ("20260101T000000Z", False),
    ],
)
async def test_datetime_requires_an_offset(
    client: GraphQLClient, member: LiveUser, value: str, accepted: bool
) -> None:
    query = "query($v: DateTime) { events(from: $v) { totalCount } }"
    result = await client.execute(query, {"v": value}, token=member.token)
    if accepted:
        assert result.ok() == {"events": {"totalCount": 0}}
    else:
        assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "v"}


@pytest.mark.parametrize("zone", ["../../../etc/passwd", "/etc/localtime", "UTC/..", "Asia"])
async def test_a_time_zone_is_a_name_not_a_path(
    client: GraphQLClient, member: LiveUser, zone: str
) -> None:
    query = (
        'query($z: String) { days(from: "2026-01-01", to: "2026-01-01", timeZone: $z) { date } }'
    )
    result = await client.execute(query, {"z": zone}, token=member.token)
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "timeZone"}


def forged(stack: LiveStack, subject: object) -> str:
    """A token signed with the gateway's real secret, for any subject."""
    now = int(time.time())
    claims = {
        "sub": subject,
        "iat": now,
        "exp": now + 600,
        "iss": "fortune-compass-gateway",
        "aud": "fortune-compass",
    }
    return jwt.encode(claims, stack.env["GATEWAY_JWT_SECRET"], algorithm="HS256")


@pytest.mark.parametrize(
    "subject", ["٢", "1٢", "01", " 1", "1.0", "-1", "0", "9" * 30, str(2**53), 7, "999999999"]
)
async def test_a_token_subject_must_be_a_canonical_id_of_an_existing_account(
    hardening_stack: LiveStack, client: GraphQLClient, member: LiveUser, subject: object
) -> None:
    name = f"tag-{secrets.token_hex(4)}"
    mutation = 'mutation($n: String!) { createTag(input: {name: $n, color: "#000000"}) { id } }'
    result = await client.execute(mutation, {"n": name}, token=forged(hardening_stack, subject))
    assert result.error_codes == ["UNAUTHENTICATED"], result.errors
    # Nothing was created for anyone: not for the account the digits might have meant either.
    async with httpx.AsyncClient(timeout=10) as http:
        for user_id in {2, int(member.id)}:
            tags = await http.get(
                f"{hardening_stack.calendar.url}/tags",
                headers={
                    "x-internal-token": hardening_stack.internal_token,
                    "x-user-id": str(user_id),
                },
            )
            assert name not in tags.text


MAPS: list[Any] = [
    {"0": ["variables.g"]},
    {"0": ["variables.f.99999999999999999999"]},
    {"0": ["variables.f.0"]},
    {"0": ["variables"]},
    {"0": ["operationName"]},
    {"0": "variables.f"},
    {"0": [1]},
    {"1": ["variables.f"]},
    {str(n): ["variables.f"] for n in range(50)},
    [],
    None,
    "variables.f",
]


@pytest.mark.parametrize("files_map", MAPS, ids=[json.dumps(m)[:40] for m in MAPS])
async def test_a_multipart_map_must_name_the_null_placeholders(
    hardening_stack: LiveStack, member: LiveUser, files_map: Any
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            hardening_stack.graphql_url,
            data={
                "operations": json.dumps({"query": UPLOAD, "variables": {"f": None}}),
                "map": json.dumps(files_map),
            },
            files={"0": ("a.jpg", b"not really", "image/jpeg")},
            headers={"Authorization": f"Bearer {member.token}", "Apollo-Require-Preflight": "1"},
        )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("method", "path", "headers", "content", "status", "code"),
    [
        ("GET", "/graphql/nope", {}, b"", 404, "NOT_FOUND"),
        ("PUT", "/graphql", {}, b"", 405, "METHOD_NOT_ALLOWED"),
        ("POST", "/graphql", {"content-type": "text/plain"}, b"{}", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("GET", "/graphql?query=%7Bme%7Bid%7D%7D&variables=%5B", {}, b"", 400, "BAD_REQUEST"),
    ],
)  # fmt: skip
async def test_every_graphql_answer_has_a_graphql_body(
    hardening_stack: LiveStack,
    method: str,
    path: str,
    headers: dict[str, str],
    content: bytes,
    status: int,
    code: str,
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.request(
            method, f"{hardening_stack.gateway.url}{path}", headers=headers, content=content
        )
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_an_oversized_body_is_a_413_with_a_graphql_body(hardening_stack: LiveStack) -> None:
    # Declared, not sent: the gateway refuses on the header, before reading (a client still
    # writing megabytes would see its connection closed under it).
    reader, writer = await asyncio.open_connection("127.0.0.1", hardening_stack.gateway.port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\n\r\n"
    )
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
