"""Run an app under uvicorn with graceful shutdown: SIGTERM stops accepting, in-flight finish."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from fc_common.settings import CommonSettings


def serve(app: FastAPI, settings: CommonSettings) -> None:
    """Serve until SIGINT/SIGTERM, then drain in-flight requests up to the shutdown deadline."""
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # our logging is already configured; keep uvicorn from replacing it
        access_log=False,
        timeout_graceful_shutdown=max(1, round(settings.shutdown_timeout_s)),
        loop="uvloop",
        http="httptools",
        server_header=False,
        proxy_headers=False,
    )
