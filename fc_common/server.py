"""Run an app under uvicorn with graceful shutdown: SIGTERM stops accepting, in-flight finish."""

from __future__ import annotations

import signal
from types import FrameType

import uvicorn
from fastapi import FastAPI

from fc_common.settings import CommonSettings


def serve(app: FastAPI, settings: CommonSettings) -> None:
    """Serve until SIGINT/SIGTERM, then drain in-flight requests up to the shutdown deadline.

    A drained shutdown is a success: exit 0. (uvicorn re-raises the stop signal once it has
    shut down; with the default handlers in place that would kill the process, exit -15.)
    """
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _exit_cleanly)
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


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    """Exit 0 on a stop signal uvicorn is not handling: before it starts, or after it drained."""
    del signum, frame
    raise SystemExit(0)
