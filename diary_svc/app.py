"""The diary service app factory: migrations and database in the lifespan, routes, common wiring."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI

from diary_svc.gc import sweep
from diary_svc.images import MULTIPART_OVERHEAD_BYTES, ImageShelf
from diary_svc.metrics import image_store_collector
from diary_svc.routes import account, entries, images, maintenance, tags
from diary_svc.settings import DiarySettings
from fc_common import __version__
from fc_common.db import Database, create_db_engine
from fc_common.health import CheckStatus
from fc_common.migrations import upgrade_to_head
from fc_common.service_app import install_common

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
UPLOAD_PATH = re.compile(r"/entries/[0-9]+/images")


def create_app(settings: DiarySettings) -> FastAPI:
    """Build the diary service; the database is migrated and opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await anyio.to_thread.run_sync(upgrade_to_head, MIGRATIONS_DIR, settings.database_url)
        app.state.db = Database(create_db_engine(settings.database_url))
        # Orphans a crash left behind go before the first request can look for them (on one
        # replica only, where several share the image store).
        if settings.image_sweep:
            await anyio.to_thread.run_sync(
                lambda: sweep(
                    db=app.state.db,
                    shelf=app.state.images,
                    grace=dt.timedelta(seconds=settings.image_sweep_grace_s),
                    now=dt.datetime.now(dt.UTC),
                )
            )
        try:
            yield
        finally:
            app.state.db.dispose()

    app = FastAPI(
        title="Fortune Compass diary service",
        summary="Each user's diary entries; called only by the GraphQL gateway.",
        version=__version__,
        lifespan=lifespan,
    )

    async def readiness() -> dict[str, CheckStatus]:
        database: Database = app.state.db
        reachable = await anyio.to_thread.run_sync(database.ping)
        return {"database": "ok" if reachable else "down"}

    app.state.images = ImageShelf.from_settings(settings)
    install_common(
        app,
        settings,
        service="diary_svc",
        readiness=readiness,
        upload_limit=settings.max_image_bytes + MULTIPART_OVERHEAD_BYTES,
        upload_path_prefix=UPLOAD_PATH,
        scrape_collectors=lambda: [image_store_collector(app.state.images.store)],
    )
    app.include_router(entries.router)
    app.include_router(images.router)
    app.include_router(tags.router)
    app.include_router(maintenance.router)
    app.include_router(account.router)
    return app
