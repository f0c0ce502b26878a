"""The gateway wired in-process to the real calendar and diary apps, each on a fresh database.

Upstream requests pass through a `CountingTransport` (our own wrapper around httpx's ASGI
transport, not a mock), so tests can assert how many calls reach each service.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from calendar_svc.app import create_app as create_calendar_app
from calendar_svc.settings import CalendarSettings
from diary_svc.app import create_app as create_diary_app
from diary_svc.settings import DiarySettings
from graph_gateway.app import create_app as create_gateway_app
from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.support.service_app import started

INTERNAL_TOKEN = "test-internal-token-0123456789abcdef"
JWT_SECRET = "test-jwt-secret-0123456789abcdef-0123456789"
PASSWORD = "correct horse battery"
_emails = itertools.count(1)


class CountingTransport(httpx.AsyncBaseTransport):
    """Pass requests on to another transport, remembering each one (method, path, headers)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str]] = []
        self.headers: list[httpx.Headers] = []
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        self.headers.append(request.headers)
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Gateway:
    """A running gateway, the clients to reach it, and the upstream request counters."""

    http: httpx.AsyncClient
    calendar: CountingTransport
    diary: CountingTransport
    settings: GatewaySettings
    app: FastAPI

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """POST one GraphQL request and return the decoded response body."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> dict[str, Any]:
        """Run an operation that must succeed; its `data`."""
        body = await self.post(query, variables, token=token)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def sign_up(self, email: str | None = None) -> str:
        """Create a fresh account; its token."""
        data = await self.ok(
            "mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }",
            {"e": email or f"user{next(_emails)}@example.com", "p": PASSWORD},
            token=None,
        )
        token: str = data["signUp"]["token"]
        return token

    def reset_counts(self) -> None:
        """Forget the upstream requests made so far."""
        for transport in (self.calendar, self.diary):
            transport.calls.clear()
            transport.headers.clear()
            transport.requests.clear()


def error_codes(body: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each error in a response."""
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@pytest.fixture
def gateway_settings(make_database_url: DatabaseUrlFactory, tmp_path: Path) -> GatewaySettings:
    """Settings for a test gateway: cheap argon2, a test secret, a fresh accounts database."""
    return GatewaySettings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=make_database_url("gateway"),
        internal_token=INTERNAL_TOKEN,
        jwt_secret=JWT_SECRET,
        password_time_cost=1,
        password_memory_kib=1024,
        password_parallelism=1,
        calendar_url="http://calendar",
        diary_url="http://diary",
    )


@asynccontextmanager
async def running_gateway(
    settings: GatewaySettings,
    make_database_url: DatabaseUrlFactory,
    image_dir: Path,
    *,
    diary_transport: httpx.AsyncBaseTransport | None = None,
    wrap_diary: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
) -> AsyncIterator[Gateway]:
    """Start the calendar and diary apps and the gateway over them; stop all three after.

    `diary_transport` replaces the real diary app, `wrap_diary` wraps the transport to it (only
    to fake an outage).
    """
    calendar_app = create_calendar_app(
        CalendarSettings(
            environment="test",
            database_url=make_database_url("calendar"),
            internal_token=INTERNAL_TOKEN,
        )
    )
    diary_app = create_diary_app(
        DiarySettings(
            environment="test",
            database_url=make_database_url("diary"),
            internal_token=INTERNAL_TOKEN,
            image_dir=image_dir,
        )
    )
    calendar = CountingTransport(httpx.ASGITransport(app=calendar_app))
    to_diary: httpx.AsyncBaseTransport = diary_transport or httpx.ASGITransport(app=diary_app)
    diary = CountingTransport(wrap_diary(to_diary) if wrap_diary else to_diary)
    app = create_gateway_app(settings, calendar_transport=calendar, diary_transport=diary)
    async with (
        started(calendar_app),
        started(diary_app),
        started(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as http,
    ):
        gateway = Gateway(http=http, calendar=calendar, diary=diary, settings=settings, app=app)
        gateway.reset_counts()  # tests count their own calls, not the start-up tag sync's
        yield gateway


@pytest.fixture
async def gateway(
    make_database_url: DatabaseUrlFactory, gateway_settings: GatewaySettings, tmp_path: Path
) -> AsyncIterator[Gateway]:
    """The gateway over the real calendar and diary apps, all started, on fresh databases."""
    async with running_gateway(gateway_settings, make_database_url, tmp_path / "images") as gw:
        yield gw


@pytest.fixture
async def token(gateway: Gateway) -> str:
    """The token of a freshly signed-up user."""
    return await gateway.sign_up()
