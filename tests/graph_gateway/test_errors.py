"""Error codes: malformed documents, bad variables, outages (partial results), masked bugs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, error_codes, running_gateway
from tests.graph_gateway.factories import make_event, make_tag


async def test_parse_and_validation_errors(gateway: Gateway, token: str) -> None:
    parse = await gateway.post("{ events { ", token=token)
    assert error_codes(parse) == ["GRAPHQL_PARSE_FAILED"]
    invalid = await gateway.post("{ events { nope } }", token=token)
    assert error_codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"]
    bad_literal = await gateway.post(
        '{ days(from: "tomorrow", to: "2026-01-01") { date } }', token=token
    )
    assert error_codes(bad_literal) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_bad_variables_are_bad_user_input_naming_the_variable(
    gateway: Gateway, token: str
) -> None:
    query = "query($when: DateTime, $n: Int) { events(from: $when, first: $n) { totalCount } }"
    bad_date = await gateway.post(query, {"when": "yesterday"}, token=token)
    assert bad_date["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "when"}
    bad_int = await gateway.post(query, {"n": "many"}, token=token)
    assert bad_int["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "n"}


def _diary_down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _diary_times_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _diary_503(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "down", "field": None})


@pytest.mark.parametrize("outage", [_diary_down, _diary_times_out, _diary_503])
async def test_a_down_service_nulls_only_its_own_fields(
    gateway_settings: GatewaySettings,
    make_database_url: DatabaseUrlFactory,
    tmp_path: Path,
    outage: Callable[[httpx.Request], httpx.Response],
) -> None:
    async with running_gateway(
        gateway_settings,
        make_database_url,
        tmp_path / "images",
        diary_transport=httpx.MockTransport(outage),
    ) as gateway:
        token = await gateway.sign_up()
        tag = await make_tag(gateway, token, name="still here")
        await make_event(gateway, token, title="still here", tagIds=[tag["id"]])
        body = await gateway.post(
            "{ tags { name } diaryEntries { totalCount } "
            "events { edges { node { title tags { name } diaryEntries { id } } } } "
            'days(from: "2026-03-10", to: "2026-03-10") { events { title } diaryEntries { id } } }',
            token=token,
        )
    assert body["data"] == {
        "tags": [{"name": "still here"}],
        "diaryEntries": None,
        "events": {
            "edges": [
                {
                    "node": {
                        "title": "still here",
                        "tags": [{"name": "still here"}],
                        "diaryEntries": None,
                    }
                }
            ]
        },
        "days": [{"events": [{"title": "still here"}], "diaryEntries": None}],
    }
    by_path = {tuple(e["path"]): e for e in body["errors"]}
    assert set(by_path) == {
        ("diaryEntries",),
        ("events", "edges", 0, "node", "diaryEntries"),
        ("days", 0, "diaryEntries"),
    }
    for error in by_path.values():
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "diary"}
        assert "http" not in error["message"]


async def test_unexpected_errors_are_masked_with_the_request_id(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    # A gateway whose internal credential the services refuse: a deployment bug, not user error.
    misconfigured = gateway_settings.model_copy(
        update={"internal_token": SecretStr("wrong-internal-token-0123456789abcdef")}
    )
    async with running_gateway(misconfigured, make_database_url, tmp_path / "images") as gateway:
        token = await gateway.sign_up()
        response = await gateway.http.post(
            "/graphql",
            json={"query": "{ tags { id } }"},
            headers={"authorization": f"Bearer {token}", "x-request-id": "trace-masked-1"},
        )
    body = response.json()
    assert body["data"] == {"tags": None}
    assert body["errors"][0]["message"] == "Internal server error"
    assert body["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "trace-masked-1",
    }
    assert "401" not in response.text and "calendar" not in response.text
    assert "Traceback" not in response.text


async def test_upstream_calls_carry_identity_and_request_id(gateway: Gateway, token: str) -> None:
    gateway.reset_counts()
    response = await gateway.http.post(
        "/graphql",
        json={"query": "{ tags { id } diaryEntries { totalCount } }"},
        headers={"authorization": f"Bearer {token}", "x-request-id": "trace-42"},
    )
    assert "errors" not in response.json()
    me = await gateway.ok("{ me { id } }", token=token)
    sent = gateway.calendar.headers + gateway.diary.headers
    assert len(sent) == 2
    for headers in sent:
        assert headers["x-request-id"] == "trace-42"
        assert headers["x-user-id"] == me["me"]["id"]
        assert headers["x-internal-token"] == gateway.settings.internal_token.get_secret_value()
