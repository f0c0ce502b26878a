"""The gateway app: `create_app(settings)` wires accounts, the service clients and `/graphql`."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import cast

import httpx
import orjson
from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from fc_common.db import Database, create_db_engine
from fc_common.health import CheckStatus
from fc_common.migrations import upgrade_to_head
from fc_common.service_app import install_common
from fc_common.tracing import instrument_http_client
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.wiring import Upkeep, build_account_parts
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.transport import AiohttpTransport
from graph_gateway.context import Services, get_context
from graph_gateway.exports.routes import export_router
from graph_gateway.graphql_body import GraphQLBodyMiddleware
from graph_gateway.http import ASSETS_PATH, GRAPHQL_PATH, make_graphql_router
from graph_gateway.idempotency_store import IdempotencyStore
from graph_gateway.image_urls import ImageUrlSigner
from graph_gateway.images import image_router
from graph_gateway.observability.collectors import backup_collector, breaker_collector
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings
from graph_gateway.tag_sync import keep_data_tidy, stop, tidy_once

MIGRATIONS_DIR = Path(__file__).parent / "accounts" / "migrations"
SERVICE_NAME = "graph_gateway"
UPLOAD_FRAMING_BYTES = 256 * 1024
_STATUSES: frozenset[str] = frozenset({"ok", "degraded", "down"})


def _http_client(
    settings: GatewaySettings, base_url: str, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    """A pooled client for one service (keep-alive, bounded connections, timeouts)."""
    limits = httpx.Limits(
        max_connections=settings.upstream_max_connections,
        max_keepalive_connections=settings.upstream_max_keepalive,
    )
    client = httpx.AsyncClient(
        base_url=base_url,
        transport=transport or AiohttpTransport(limits=limits),
        timeout=httpx.Timeout(
            settings.upstream_timeout_s, connect=settings.upstream_connect_timeout_s
        ),
        limits=limits,
        follow_redirects=False,
    )
    instrument_http_client(client)
    return client


def _upstream(settings: GatewaySettings, name: str, http: httpx.AsyncClient) -> Upstream:
    """One service behind its pooled client, with its own breaker and the retry policy."""
    return Upstream(
        name=name,
        http=http,
        internal_token=settings.internal_token.get_secret_value(),
        breaker=settings.breaker(name),
        retry=settings.retry_policy(),
    )


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
    rate_limiter = settings.rate_limiter()  # connects lazily; closed when the lifespan ends

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await to_thread.run_sync(upgrade_to_head, MIGRATIONS_DIR, settings.database_url)
        db = Database(create_db_engine(settings.database_url))
        passwords = await to_thread.run_sync(
            lambda: Passwords(
                time_cost=settings.password_time_cost,
                memory_kib=settings.password_memory_kib,
                parallelism=settings.password_parallelism,
            )
        )
        async with AsyncExitStack() as stack:
            stack.callback(db.dispose)
            calendar_http = await stack.enter_async_context(
                _http_client(settings, settings.calendar_url, calendar_transport)
            )
            diary_http = await stack.enter_async_context(
                _http_client(settings, settings.diary_url, diary_transport)
            )
            app.state.db = db
            calendar = _upstream(settings, "calendar", calendar_http)
            diary = _upstream(settings, "diary", diary_http)
            parts = build_account_parts(
                settings,
                db=db,
                passwords=passwords,
                calendar=calendar,
                diary=diary,
                signer=app.state.image_urls,
            )
            app.state.services = Services(
                accounts=parts.accounts,
                authenticator=parts.authenticator,
                api_keys=parts.api_keys,
                eraser=parts.eraser,
                exporter=parts.exporter,
                calendar=calendar,
                diary=diary,
                rate_limiter=rate_limiter,
                auth_deadline_s=settings.request_deadline_s,
            )
            if rate_limiter is not None:
                stack.push_async_callback(rate_limiter.aclose)
            app.state.idempotency = IdempotencyStore(
                db,
                retention=timedelta(hours=settings.idempotency_retention_hours),
                lease=timedelta(seconds=settings.request_deadline_s + 5),
            )
            upstreams = {"calendar": app.state.services.calendar, "diary": app.state.services.diary}
            # A deletion a crash kept from the diary is carried over before serving (if quick).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.readiness_timeout_s):
                    await tidy_once(**upstreams, keys=app.state.idempotency)
            tidy = keep_data_tidy(
                **upstreams, keys=app.state.idempotency, interval_s=settings.tag_sync_interval_s
            )
            stack.push_async_callback(stop, asyncio.create_task(tidy))
            # Finishes erasures a crash interrupted (at once, then now and then).
            upkeep = Upkeep(parts, interval_s=settings.maintenance_interval_s)
            upkeep.start()
            stack.push_async_callback(upkeep.stop)
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

    async def readiness() -> dict[str, CheckStatus]:
        services: Services = app.state.services
        db: Database = app.state.db
        database_ok, calendar, diary = await asyncio.gather(
            to_thread.run_sync(db.ping),
            _service_readiness(services.calendar, settings.readiness_timeout_s),
            _service_readiness(services.diary, settings.readiness_timeout_s),
        )
        checks: dict[str, CheckStatus] = {
            "database": "ok" if database_ok else "down",
            "calendar": calendar,
            "diary": diary,
            # After the probes: an open breaker (down) means queries fail fast for that service.
            "calendar_breaker": services.calendar.breaker.health(),
            "diary_breaker": services.diary.breaker.health(),
        }
        if rate_limiter is not None:
            # The limiter fails open when its store is gone: serving, but unprotected.
            checks["rate_limits"] = "ok" if await rate_limiter.ping() else "degraded"
        return checks

    app.state.image_urls = ImageUrlSigner.from_settings(settings)
    app.state.max_image_bytes = settings.max_image_bytes
    app.state.request_deadline_s = settings.request_deadline_s
    install_common(
        app,
        settings,
        service=SERVICE_NAME,
        readiness=readiness,
        # Without its accounts database the gateway can serve nothing; without one service it
        # still serves the other's fields (and logIn), so that is `degraded`, not unready.
        critical_checks=frozenset({"database"}),
        # A multipart upload may carry the largest image plus the operation and the framing.
        upload_limit=settings.max_image_bytes + UPLOAD_FRAMING_BYTES,
        upload_path_prefix=re.compile(re.escape(GRAPHQL_PATH)),
        error_middleware=(GraphQLBodyMiddleware, {"prefix": GRAPHQL_PATH, "exclude": ASSETS_PATH}),
        scrape_collectors=lambda: [
            breaker_collector(lambda: (app.state.services.calendar, app.state.services.diary)),
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
    schema = build_schema(settings, rate_limiter=rate_limiter)
    app.include_router(make_graphql_router(schema, context_getter=get_context, settings=settings))
    app.include_router(image_router())
    app.include_router(export_router())
    return app
