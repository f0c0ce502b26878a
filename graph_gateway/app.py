"""The gateway app: `create_app(settings)` mounts `/graphql`, the image and export routes, and
the readiness checks over the services its lifespan opens (`services.py`)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import httpx
import orjson
from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from fc_common.health import CheckStatus
from fc_common.service_app import install_common
from graph_gateway.clients.base import Upstream
from graph_gateway.exports.routes import export_router
from graph_gateway.http.graphql_body import GraphQLBodyMiddleware
from graph_gateway.http.images import image_router
from graph_gateway.http.router import ASSETS_PATH, GRAPHQL_PATH, make_graphql_router
from graph_gateway.observability.collectors import backup_collector, breaker_collector
from graph_gateway.schema import build_schema
from graph_gateway.services import MIGRATIONS_DIR, Services, open_services, services_of_app
from graph_gateway.settings import GatewaySettings

__all__ = ["MIGRATIONS_DIR", "create_app"]

SERVICE_NAME = "graph_gateway"
UPLOAD_FRAMING_BYTES = 256 * 1024
_STATUSES: frozenset[str] = frozenset({"ok", "degraded", "down"})


async def _service_readiness(upstream: Upstream, timeout_s: float) -> CheckStatus:
    """A service's readiness: its own verdict, made worse by a slow answer or a failing breaker.

    A ready answer closes the service's breaker (open or half-open), so what readiness reports as
    up is what queries use, at once and without traffic; an unready or silent service is `down`
    and its breaker stays as it is.
    """
    started = time.perf_counter()
    try:
        response = await upstream.http.get("/health/ready", timeout=timeout_s)
        status = orjson.loads(response.content).get("status")
    except (httpx.HTTPError, orjson.JSONDecodeError, AttributeError):
        return "down"
    if status not in _STATUSES:
        return "down"
    latency = time.perf_counter() - started
    if status == "ok":
        upstream.breaker.probe_succeeded(latency)
    slow = latency >= upstream.breaker.slow_call_s
    if status == "ok" and (slow or upstream.breaker.health() != "ok"):
        return "degraded"
    return cast(CheckStatus, status)


def create_app(
    settings: GatewaySettings,
    *,
    calendar_transport: httpx.AsyncBaseTransport | None = None,
    diary_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the gateway; transports may be injected (tests wire the service apps in-process)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(
            settings, calendar_transport=calendar_transport, diary_transport=diary_transport
        ) as services:
            app.state.services = services  # read only by `services_of_app`
            app.state.db = services.db  # fc_common's SQL metrics read it, as in every process
            yield

    app = FastAPI(
        title="Fortune Compass gateway",
        summary="One GraphQL endpoint over the calendar and diary services.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # FastAPI's native OpenTelemetry looks up the global providers on every request; the
        # gateway sets none up, so those lookups were pure per-request cost.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_common(
        app,
        settings,
        service=SERVICE_NAME,
        readiness=lambda: readiness(services_of_app(app)),
        # Without its accounts database the gateway can serve nothing; without one service it
        # still serves the other's fields (and logIn), so that is `degraded`, not unready.
        critical_checks=frozenset({"database"}),
        # A multipart upload may carry the largest image plus the operation and the framing.
        upload_limit=settings.max_image_bytes + UPLOAD_FRAMING_BYTES,
        upload_path_prefix=re.compile(re.escape(GRAPHQL_PATH)),
        error_middleware=(GraphQLBodyMiddleware, {"prefix": GRAPHQL_PATH, "exclude": ASSETS_PATH}),
        scrape_collectors=lambda: [
            breaker_collector(lambda: _upstreams(services_of_app(app))),
            backup_collector(settings.backup_root),
        ],
    )
    # Outermost, so even a refused (413) or failed response carries the CORS headers.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=[
            "authorization",
            "content-type",
            "x-request-id",
            "apollo-require-preflight",
            "x-apollo-operation-name",
            "idempotency-key",
        ],
        expose_headers=["x-request-id", "retry-after", "idempotent-replayed"],
        max_age=600,
    )
    if settings.trusted_proxies:
        # Outermost of all. From the proxies we are told to trust, X-Forwarded-For/-Proto say
        # who the client is and whether it spoke HTTPS (signed URLs, logs, rate limits); from
        # anyone else they are ignored.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.include_router(make_graphql_router(build_schema(settings), settings=settings))
    app.include_router(image_router())
    app.include_router(export_router())
    return app


def _upstreams(services: Services) -> tuple[Upstream, Upstream]:
    return services.calendar, services.diary


async def readiness(services: Services) -> dict[str, CheckStatus]:
    """The gateway's checks: its database, each service and its breaker, the rate limit store."""
    timeout_s = services.settings.readiness_timeout_s
    database_ok, calendar, diary = await asyncio.gather(
        to_thread.run_sync(services.db.ping),
        _service_readiness(services.calendar, timeout_s),
        _service_readiness(services.diary, timeout_s),
    )
    checks: dict[str, CheckStatus] = {
        "database": "ok" if database_ok else "down",
        "calendar": calendar,
        "diary": diary,
        # After the probes: an open breaker (down) means queries fail fast for that service.
        "calendar_breaker": services.calendar.breaker.health(),
        "diary_breaker": services.diary.breaker.health(),
    }
    if services.rate_limiter is not None:
        # The limiter fails open when its store is gone: serving, but unprotected.
        checks["rate_limits"] = "ok" if await services.rate_limiter.ping() else "degraded"
    return checks
