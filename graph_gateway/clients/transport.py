"""An httpx transport over aiohttp's connection pool: the httpx API, a cheaper HTTP/1.1 client.

httpx's default transport (httpcore on anyio streams, h11 parsing in Python) cost the gateway
about 600 µs more CPU per upstream call than aiohttp's C-accelerated client (bench, 2-core
box), and every gateway request makes at least one call. The clients keep the httpx API (and
tests keep injecting httpx transports); only the wire work moves here.

A small answer with a known length (the services' JSON) is read at once; anything else (an
image) streams through, so the gateway never holds a whole large body. aiohttp's errors become
httpx's, so callers keep catching `httpx.RequestError`: a connect timeout (or no pooled
connection in time) is `httpx.ConnectTimeout`, a read timeout `httpx.ReadTimeout`, a refused
connection `httpx.ConnectError`, a malformed answer `httpx.RemoteProtocolError`, and a
connection lost mid-answer `httpx.ReadError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx

# Answers up to this size are read in one go; larger or unsized ones stream.
EAGER_BODY_LIMIT = 1_048_576
STREAM_CHUNK = 65_536
# aiohttp frames the request body itself (a length or chunks), from the data it is given.
_EXCLUDED_HEADERS = frozenset({b"transfer-encoding"})


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through one pooled `aiohttp.ClientSession` (built on first use)."""

    def __init__(self, *, limits: httpx.Limits) -> None:
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None

    def _open_session(self) -> aiohttp.ClientSession:
        # A session binds to the running loop, so it is made on the first request, not in
        # __init__ (app factories build transports before any loop runs).
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry or 5.0,
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,  # httpx decodes per Content-Encoding when it reads the body
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
            timeout=aiohttp.ClientTimeout(total=None),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request; its answer, read whole when small, else streamed."""
        if self._session is None:
            self._session = self._open_session()
        timeout = request.extensions.get("timeout", {})
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower() not in _EXCLUDED_HEADERS
        ]
        body: bytes | AsyncIterator[bytes] | None
        try:
            body = request.content or None
        except httpx.RequestNotRead:
            body = _chunks(request.stream)  # a multipart upload streams through
        try:
            response = await self._session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=body,
                allow_redirects=False,
                compress=None,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _httpx_error(exc, request) from exc
        stream: httpx.AsyncByteStream
        length = response.content_length
        if length is not None and length <= EAGER_BODY_LIMIT:
            try:
                content = await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise _httpx_error(exc, request) from exc
            finally:
                response.release()
            stream = httpx.ByteStream(content)
        else:
            stream = _ResponseStream(response, request)
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=stream,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class _ResponseStream(httpx.AsyncByteStream):
    """A large answer's body, read as the caller consumes it."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(STREAM_CHUNK):
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _httpx_error(exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()


def _httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error a caller expects for an aiohttp failure."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        # aiohttp does not tell a wait for a pooled connection from a slow connect.
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message, request=request)
    return httpx.ReadError(message, request=request)


async def _chunks(stream: httpx.AsyncByteStream | httpx.SyncByteStream) -> AsyncIterator[bytes]:
    if isinstance(stream, httpx.AsyncByteStream):
        async for chunk in stream:
            yield chunk
    else:
        for chunk in stream:
            yield chunk
