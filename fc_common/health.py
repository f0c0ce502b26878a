"""`/health` (alive, uptime, version) and `/health/ready` (dependencies reachable, else 503).

A check is either critical (the process cannot serve without it: 503 when it is down) or not
(the process still serves, with less: it is reported, and the overall status is `degraded`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from fc_common import __version__

CheckStatus = Literal["ok", "degraded", "down"]
# Set on the first stop signal: readiness fails from then on, so balancers stop sending here.
DRAINING = threading.Event()
ReadinessCheck = Callable[[], Awaitable[dict[str, CheckStatus]]]


class Liveness(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"
    service: str
    version: str
    uptime_s: float


class Readiness(BaseModel):
    """Each dependency's state and the overall verdict."""

    status: CheckStatus
    checks: dict[str, CheckStatus]


_ORDER: list[CheckStatus] = ["ok", "degraded", "down"]


def overall_status(checks: dict[str, CheckStatus], critical: Collection[str] | None) -> CheckStatus:
    """The worst critical status; a non-critical check that is down only degrades the whole."""
    worst: CheckStatus = "ok"
    for name, status in checks.items():
        if status == "down" and critical is not None and name not in critical:
            status = "degraded"
        worst = max(worst, status, key=_ORDER.index)
    return worst


def health_router(
    service: str, readiness: ReadinessCheck, *, critical: Collection[str] | None = None
) -> APIRouter:
    """Routes for liveness and readiness; readiness is 503 when a critical check is down.

    `critical=None` makes every check critical.
    """
    router = APIRouter(tags=["health"])
    started = time.monotonic()

    @router.get("/health", response_model=Liveness)
    async def health() -> Liveness:
        """Say the process is alive, how long it has been up, and its version."""
        return Liveness(service=service, version=__version__, uptime_s=time.monotonic() - started)

    @router.get(
        "/health/ready",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A critical dependency is down"}},
    )
    async def ready(response: Response) -> Readiness:
        """Check the dependencies this process needs to serve requests."""
        checks = await readiness()
        status = overall_status(checks, critical)
        if DRAINING.is_set():
            checks, status = {**checks, "draining": "down"}, "down"
        if status == "down":
            response.status_code = 503
        return Readiness(status=status, checks=checks)

    return router
