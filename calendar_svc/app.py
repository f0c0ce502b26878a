"""Build the calendar service's FastAPI app: migrations and database in lifespan, routes, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from calendar_svc.routes import account, events, maintenance, tags
from calendar_svc.settings import CalendarSettings
from fc_common import __version__
from fc_common.db import Database, create_db_engine
from fc_common.health import CheckStatus
from fc_common.migrations import upgrade_to_head
from fc_common.service_app import install_common

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_app(settings: CalendarSettings) -> FastAPI:
    """A calendar service app for these settings; nothing touches the database until startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await run_in_threadpool(upgrade_to_head, MIGRATIONS_DIR, settings.database_url)
        database = Database(create_db_engine(settings.database_url))
        app.state.db = database
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(
        title="Fortune Compass calendar service",
        description="Each user's events and tags, for the GraphQL gateway only.",
        version=__version__,
        lifespan=lifespan,
        # Operation ids are the route functions' names: short, stable, and what links refer to.
        generate_unique_id_function=lambda route: route.name,
    )

    async def readiness() -> dict[str, CheckStatus]:
        database: Database = app.state.db
        reachable = await run_in_threadpool(database.ping)
        return {"database": "ok" if reachable else "down"}

    install_common(app, settings, service="calendar_svc", readiness=readiness)
    app.include_router(tags.router)
    app.include_router(events.router)
    app.include_router(maintenance.router)
    app.include_router(account.router)
    return app
