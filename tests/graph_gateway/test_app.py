"""The gateway app around the schema: health, readiness of each service, CORS, migrations."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, running_gateway


async def test_health_and_readiness_report_each_service(gateway: Gateway) -> None:
    alive = await gateway.http.get("/health")
    assert alive.status_code == 200
    assert alive.json()["service"] == "graph_gateway"
    ready = await gateway.http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "calendar": "ok",
            "diary": "ok",
            "calendar_breaker": "ok",
            "diary_breaker": "ok",
        },
    }


async def test_readiness_names_the_service_that_is_down(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with running_gateway(
        gateway_settings, make_database_url, tmp_path, diary_transport=httpx.MockTransport(refuse)
    ) as gateway:
        ready = await gateway.http.get("/health/ready")
    # Still serving the calendar's fields and accounts: degraded, not unready. The start-up tag
    # deletion sync has already failed against the diary, so its breaker reports failures.
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "calendar": "ok",
            "diary": "down",
            "calendar_breaker": "ok",
            "diary_breaker": "degraded",
        },
    }


class Outage(httpx.AsyncBaseTransport):
    """The real transport to a service, refusing every connection while `down`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_readiness_shows_an_open_breaker_and_a_ready_service_is_used_at_once(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    outages: list[Outage] = []

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        outages.append(Outage(inner))
        return outages[-1]

    entries = "{ diaryEntries { totalCount } }"
    async with running_gateway(
        gateway_settings, make_database_url, tmp_path, wrap_diary=wrap
    ) as gateway:
        token = await gateway.sign_up()
        outages[0].down = True
        for _ in range(gateway_settings.breaker_failure_threshold):
            body = await gateway.post(entries, token=token)
            assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        down = (await gateway.http.get("/health/ready")).json()
        assert (down["status"], down["checks"]["diary"]) == ("degraded", "down")
        assert down["checks"]["diary_breaker"] == "down"

        outages[0].down = False  # back, long before the breaker's cool-down (10 s) is over
        up = (await gateway.http.get("/health/ready")).json()
        assert (up["status"], up["checks"]["diary"], up["checks"]["diary_breaker"]) == (
            "ok",
            "ok",
            "ok",
        )
        assert await gateway.ok(entries, token=token) == {"diaryEntries": {"totalCount": 0}}


async def test_cors_allows_only_the_configured_origins(gateway: Gateway) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    allowed = await gateway.http.options(
        "/graphql", headers={"origin": "http://localhost:4000", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:4000"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    refused = await gateway.http.options(
        "/graphql", headers={"origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in refused.headers

    simple = await gateway.http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"origin": "http://localhost:4000"},
    )
    assert simple.headers["access-control-allow-origin"] == "http://localhost:4000"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_accounts_survive_a_restart_on_the_same_database(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    async with running_gateway(gateway_settings, make_database_url, tmp_path / "a") as first:
        await first.sign_up("again@example.com")
    # A second start migrates nothing new and keeps the account.
    async with running_gateway(gateway_settings, make_database_url, tmp_path / "b") as second:
        assert await second.sign_up("someone@example.com")
        taken = await second.post(
            'mutation { signUp(email: "again@example.com", password: "whatever123") { token } }'
        )
    assert taken["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "email"}


def test_cors_origins_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "http://localhost:4000, https://app.example")
    assert GatewaySettings().cors_origins == ["http://localhost:4000", "https://app.example"]
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", '["https://only.example"]')
    assert GatewaySettings().cors_origins == ["https://only.example"]
