"""Request id, access log line and security headers for every HTTP request (pure ASGI)."""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from typing import Any, Protocol

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fc_common.asgi import HttpMiddleware

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

log = structlog.get_logger("fc.request")

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


class RequestObserver(Protocol):
    """Told when each request starts and how it ended (the metrics, when they are on)."""

    def started(self) -> None:
        """A request has come in."""

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        """A request has been answered with `status` after `seconds`."""


def current_request_id() -> str:
    """The id of the request being served ("-" outside one)."""
    return request_id_var.get()


def accept_request_id(value: str | None) -> str:
    """Keep a caller's request id if it is sane, else make a new one."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestContextMiddleware(HttpMiddleware):
    """Give each request an id, log one line when it ends, and add security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        skip_log_paths: frozenset[str] = frozenset(),
        observer: RequestObserver | None = None,
    ) -> None:
        super().__init__(app)
        self.skip_log_paths = skip_log_paths
        self.observer = observer

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with its id set, then log it and tell the observer."""
        raw = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode())
        request_id = accept_request_id(raw.decode("latin-1") if raw else None)
        token = request_id_var.set(request_id)
        # Handlers add facts (user id, operation, upstream calls) to this dict as they learn them.
        facts: dict[str, Any] = {}
        scope.setdefault("state", {})["log_facts"] = facts
        status = 500
        started = time.perf_counter()
        if self.observer is not None:
            self.observer.started()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await self.app(scope, receive, send_wrapper)
        finally:
            if self.observer is not None:
                self.observer.finished(scope, status, time.perf_counter() - started)
            if scope["path"] not in self.skip_log_paths:
                client = scope.get("client")
                # Outside the bound context by now: name the request id here, or the line that
                # most needs it (the one a gateway request is traced across services by) lacks it.
                line: dict[str, Any] = {
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client_ip": client[0] if client else None,
                }
                line.update(facts)
                log.info("request", **line)
            request_id_var.reset(token)
