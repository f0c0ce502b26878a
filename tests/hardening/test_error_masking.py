"""An unexpected error is masked: a fixed message, INTERNAL_SERVER_ERROR and the request id."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from calendar_svc.app import create_app as create_calendar_app
from calendar_svc.settings import CalendarSettings
from graph_gateway.app import create_app as create_gateway_app
from graph_gateway.settings import GatewaySettings
from tests.support.service_app import started

SIGN_UP = """mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }"""


async def test_a_misconfigured_gateway_answers_masked_errors_with_the_request_id(
    tmp_path: Path,
) -> None:
    # The calendar expects another internal credential: it answers 401, a bug on our side.
    calendar_app = create_calendar_app(
        CalendarSettings(
            environment="test",
            database_url=f"sqlite:///{tmp_path / 'calendar.db'}",
            internal_token=secrets.token_urlsafe(32),
        )
    )
    gateway_app = create_gateway_app(
        GatewaySettings(
            environment="test",
            database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
            internal_token=secrets.token_urlsafe(32),
            password_time_cost=1,
            password_memory_kib=1024,
            password_parallelism=1,
            calendar_url="http://calendar",
        ),
        calendar_transport=httpx.ASGITransport(app=calendar_app),
    )
    async with (
        started(calendar_app),
        started(gateway_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway_app), base_url="http://gw"
        ) as http,
    ):
        variables = {"e": f"m-{secrets.token_hex(4)}@example.test", "p": secrets.token_urlsafe(12)}
        signed = await http.post("/graphql", json={"query": SIGN_UP, "variables": variables})
        token = signed.json()["data"]["signUp"]["token"]
        response = await http.post(
            "/graphql",
            json={"query": "{ tags { id } me { id } }"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "masking-check-1"},
        )

    body = response.json()
    assert response.status_code == 200
    assert body["data"]["tags"] is None
    assert body["data"]["me"]["id"]  # the rest of the response is still served
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "masking-check-1"}
    assert response.headers["x-request-id"] == "masking-check-1"
    for internal in ("401", "calendar", "credential", "Traceback", "http://"):
        assert internal not in response.text
