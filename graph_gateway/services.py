"""Every stateful object the gateway serves with, built once by `open_services` in the lifespan.

Routes take them with the `GatewayServices` dependency, resolvers from their typed context
(`info.context.services`); nothing else reads `app.state`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, cast

import httpx
from anyio import to_thread
from fastapi import Depends, FastAPI, Request

from fc_common.db import Database, create_db_engine
from fc_common.migrations import upgrade_to_head
from fc_common.tracing import instrument_http_client
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.wiring import AccountParts, Upkeep, build_account_parts
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.resilience import CircuitBreaker, RetryPolicy
from graph_gateway.clients.transport import AiohttpTransport
from graph_gateway.extensions.rate_limiter import RateLimiter
from graph_gateway.http.idempotency_store import IdempotencyStore
from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.response_cache.cache import ResponseCache
from graph_gateway.settings import GatewaySettings
from graph_gateway.tag_sync import keep_data_tidy, stop, tidy_once

MIGRATIONS_DIR = Path(__file__).parent / "accounts" / "migrations"


@dataclass(frozen=True, slots=True)
class Services:
    """What the gateway talks to and keeps, built once in the app's lifespan."""

    settings: GatewaySettings
    db: Database
    accounts: AccountParts
    calendar: Upstream
    diary: Upstream
    idempotency: IdempotencyStore
    image_urls: ImageUrlSigner
    rate_limiter: RateLimiter | None = None
    response_cache: ResponseCache | None = None


def _http_client(
    settings: GatewaySettings, base_url: str, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    """A pooled client for one service (bounded connections, timeouts)."""
    client = httpx.AsyncClient(
        base_url=base_url,
        transport=transport
        or AiohttpTransport(limits=httpx.Limits(max_connections=settings.upstream_max_connections)),
        timeout=httpx.Timeout(
            settings.upstream_timeout_s, connect=settings.upstream_connect_timeout_s
        ),
        follow_redirects=False,
    )
    instrument_http_client(client)
    return client


def _upstream(settings: GatewaySettings, name: str, http: httpx.AsyncClient) -> Upstream:
    """One service behind its pooled client, with its own breaker and the retry policy."""
    retries = settings.upstream_retries
    return Upstream(
        name=name,
        http=http,
        internal_token=settings.internal_token.get_secret_value(),
        breaker=CircuitBreaker(
            name,
            failure_threshold=settings.breaker_failure_threshold,
            reset_timeout_s=settings.breaker_reset_timeout_s,
            slow_call_s=settings.slow_upstream_s,
        ),
        retry=RetryPolicy(attempts=1 + retries) if retries else None,
    )


@asynccontextmanager
async def open_services(
    settings: GatewaySettings,
    *,
    calendar_transport: httpx.AsyncBaseTransport | None = None,
    diary_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Services]:
    """Migrate, connect and start the background jobs; undo it all when the block ends."""
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
    image_urls = ImageUrlSigner.from_settings(settings)
    rate_limiter = RateLimiter.from_settings(settings)  # connects lazily
    async with AsyncExitStack() as stack:
        stack.callback(db.dispose)
        if rate_limiter is not None:
            stack.push_async_callback(rate_limiter.aclose)
        response_cache = ResponseCache.from_settings(settings)  # connects lazily
        if response_cache is not None:
            stack.push_async_callback(response_cache.aclose)
        calendar = _upstream(
            settings,
            "calendar",
            await stack.enter_async_context(
                _http_client(settings, settings.calendar_url, calendar_transport)
            ),
        )
        diary = _upstream(
            settings,
            "diary",
            await stack.enter_async_context(
                _http_client(settings, settings.diary_url, diary_transport)
            ),
        )
        parts = build_account_parts(
            settings, db=db, passwords=passwords, calendar=calendar, diary=diary, signer=image_urls
        )
        keys = IdempotencyStore(
            db,
            retention=timedelta(hours=settings.idempotency_retention_hours),
            lease=timedelta(seconds=settings.request_deadline_s + 5),
        )
        # A deletion a crash kept from the diary is carried over before serving (if quick).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(settings.readiness_timeout_s):
                await tidy_once(calendar=calendar, diary=diary, keys=keys)
        tidy = keep_data_tidy(
            calendar=calendar, diary=diary, keys=keys, interval_s=settings.tag_sync_interval_s
        )
        stack.push_async_callback(stop, asyncio.create_task(tidy))
        # Finishes erasures a crash interrupted (at once, then now and then).
        upkeep = Upkeep(parts, interval_s=settings.maintenance_interval_s)
        upkeep.start()
        stack.push_async_callback(upkeep.stop)
        yield Services(
            settings=settings,
            db=db,
            accounts=parts,
            calendar=calendar,
            diary=diary,
            idempotency=keys,
            image_urls=image_urls,
            rate_limiter=rate_limiter,
            response_cache=response_cache,
        )


def services_of_app(app: FastAPI) -> Services:
    """The services the lifespan built (the one reader of `app.state`)."""
    return cast(Services, app.state.services)


async def services_of(request: Request) -> Services:
    """The services the lifespan built, as a FastAPI dependency (async: FastAPI would run a
    plain function in a worker thread, a hop per request)."""
    return services_of_app(request.app)


GatewayServices = Annotated[Services, Depends(services_of)]
