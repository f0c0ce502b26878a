"""Refuse request bodies over a size limit as they stream in, before they are read whole."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fc_common.asgi import HttpMiddleware


class BodyTooLargeError(HTTPException):
    """The body crossed its limit while being received.

    An `HTTPException` so that frameworks reading the body (FastAPI wraps other errors in a 400)
    pass it on, and the app's own handler answers 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"Body over {limit} bytes")


class BodyLimitMiddleware(HttpMiddleware):
    """413 `PAYLOAD_TOO_LARGE` when a body's declared or streamed size crosses the limit.

    `limit_for` picks the limit per request (multipart uploads get a larger one than JSON).
    """

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[Scope], int]) -> None:
        super().__init__(app)
        self.limit_for = limit_for

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a receive that counts its body against the limit."""
        limit = self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if not response_started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = orjson.dumps(
        {"code": "PAYLOAD_TOO_LARGE", "message": f"Body over {limit} bytes", "field": None}
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
