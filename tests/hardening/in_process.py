"""The real gateway app served in-process, for tests that need no backing service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from graph_gateway.app import create_app
from graph_gateway.settings import GatewaySettings
from tests.support.service_app import started


@asynccontextmanager
async def gateway(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for a gateway app running in-process, with its lifespan."""
    app = create_app(settings)
    async with (
        started(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        yield http
