"""Every answer from `/graphql` has a GraphQL body: `{"errors": [{"message", "extensions"}]}`.

The router answers its own refusals in that shape. What comes from elsewhere — the body limit's
413, the framework's 404/405, an exception nothing caught — would carry the services' REST shape
(`{"code", "message", "field"}`) or none; `GraphQLBodyMiddleware` rewrites those, so a GraphQL
client never has to read a second error format.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_gateway.errors import INTERNAL_MESSAGE, graphql_code, internal_error_extensions

log = structlog.get_logger("graph_gateway.graphql_body")


def safe_json(data: object) -> bytes:
    """Encode with orjson; text it cannot encode (unpaired surrogates) is escaped instead."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=True).encode()


def error_body(message: str, extensions: dict[str, Any]) -> bytes:
    """A GraphQL response holding one error."""
    return safe_json({"errors": [{"message": message, "extensions": extensions}]})


def _from_rest(body: bytes) -> bytes | None:
    """The GraphQL form of a REST error body, or None when the body is not one."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "errors" in data or "code" not in data:
        return None
    code = str(data["code"])
    extensions: dict[str, Any] = {"code": graphql_code(code)}
    if data.get("field"):
        extensions["field"] = data["field"]
    return error_body(str(data.get("message") or "Request refused"), extensions)


class GraphQLBodyMiddleware:
    """Give the error answers of paths under `prefix` (but not `exclude`) a GraphQL body."""

    def __init__(self, app: ASGIApp, *, prefix: str, exclude: str) -> None:
        self.app = app
        self.prefix = prefix
        self.exclude = exclude

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(self.prefix)
            or path.startswith(self.exclude)
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        started = False

        async def rewriting_send(message: Message) -> None:
            nonlocal start, started
            if message["type"] == "http.response.start":
                if message["status"] < 400:
                    started = True
                    await send(message)
                else:
                    start = message  # held until the body is known
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                started = True
                body = b"".join(chunks)
                await _send(send, start["status"], _from_rest(body) or body, start["headers"])

        try:
            await self.app(scope, receive, rewriting_send)
        except Exception:
            if started:
                raise
            log.exception("unhandled error")
            body = error_body(INTERNAL_MESSAGE, internal_error_extensions())
            await _send(send, 500, body, [(b"content-type", b"application/json")])


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body})
