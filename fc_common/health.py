"""`/health` (alive, uptime, version) and `/health/ready` (dependencies reachable, else 503)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from fc_common import __version__

CheckStatus = Literal["ok", "degraded", "down"]
ReadinessCheck = Callable[[], Awaitable[dict[str, CheckStatus]]]


class Liveness(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"
    service: str
    version: str
    uptime_s: float


class Readiness(BaseModel):
    """Each dependency's state; the overall status is the worst of them."""

    status: CheckStatus
    checks: dict[str, CheckStatus]


def health_router(service: str, readiness: ReadinessCheck) -> APIRouter:
    """Routes for liveness and readiness; readiness is 503 unless every check is ok."""
    router = APIRouter(tags=["health"])
    started = time.monotonic()

    @router.get("/health", response_model=Liveness)
    async def health() -> Liveness:
        """Say the process is alive, how long it has been up, and its version."""
        return Liveness(service=service, version=__version__, uptime_s=time.monotonic() - started)

    @router.get(
        "/health/ready",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A dependency is not ready"}},
    )
    async def ready(response: Response) -> Readiness:
        """Check the dependencies this process needs to serve requests."""
        checks = await readiness()
        order: list[CheckStatus] = ["ok", "degraded", "down"]
        worst = max(checks.values(), key=order.index, default="ok")
        if worst == "down":
            response.status_code = 503
        return Readiness(status=worst, checks=checks)

    return router
