"""The aiohttp-backed httpx transport against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import gzip
import io
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from graph_gateway.clients.transport import AiohttpTransport

LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=10)
BIG = bytes(range(256)) * 12_288  # 3 MiB: over the size read at once, so it streams


class _Server:
    """A tiny aiohttp server that records what it received."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.peers: set[tuple[str, int]] = set()
        self.url = ""

    async def echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((request.method, request.path_qs, dict(request.headers), body))
        if request.transport is not None:
            self.peers.add(request.transport.get_extra_info("peername"))
        return web.json_response({"got": len(body)}, status=201, headers={"X-Seen": "yes"})

    async def gzipped(self, _: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(b'{"packed": true}'),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )

    async def big(self, _: web.Request) -> web.Response:
        return web.Response(body=BIG, content_type="application/octet-stream")

    async def stall(self, _: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text="late")


@pytest.fixture
async def server() -> AsyncIterator[_Server]:
    state = _Server()
    app = web.Application()
    app.router.add_route("*", "/echo", state.echo)
    app.router.add_get("/gzip", state.gzipped)
    app.router.add_get("/stall", state.stall)
    app.router.add_get("/big", state.big)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
async def client(server: _Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=server.url, transport=AiohttpTransport(limits=LIMITS), timeout=2.0
    ) as http:
        yield http


async def test_a_request_goes_out_whole_and_its_answer_comes_back(
    server: _Server, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/echo?x=1", content=b'{"a": "\xed\x95\x9c"}', headers={"X-User-Id": "7"}
    )
    assert response.status_code == 201
    assert response.json() == {"got": 12}
    assert response.headers["x-seen"] == "yes"
    method, path, headers, body = server.requests[0]
    assert (method, path, body) == ("POST", "/echo?x=1", b'{"a": "\xed\x95\x9c"}')
    assert headers["X-User-Id"] == "7"


async def test_connections_are_kept_alive_between_requests(
    server: _Server, client: httpx.AsyncClient
) -> None:
    for _ in range(5):
        assert (await client.get("/echo")).status_code == 201
    assert len(server.peers) == 1


async def test_a_multipart_upload_streams_through(
    server: _Server, client: httpx.AsyncClient
) -> None:
    payload = b"\x89PNG" + bytes(range(256)) * 400
    files = {"file": ("a.png", io.BytesIO(payload), "image/png")}
    response = await client.post("/echo", files=files)
    assert response.status_code == 201
    _, _, headers, body = server.requests[0]
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert payload in body


async def test_a_large_answer_streams_and_reads_whole(client: httpx.AsyncClient) -> None:
    async with client.stream("GET", "/big") as response:
        chunks = [chunk async for chunk in response.aiter_raw()]
    assert len(chunks) > 1
    assert b"".join(chunks) == BIG
    assert (await client.get("/big")).content == BIG


async def test_a_compressed_answer_is_decoded(client: httpx.AsyncClient) -> None:
    assert (await client.get("/gzip")).json() == {"packed": True}


async def test_a_slow_answer_is_a_read_timeout(client: httpx.AsyncClient) -> None:
    with pytest.raises(httpx.ReadTimeout):
        await client.get("/stall", timeout=httpx.Timeout(2.0, read=0.2))


async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        async with httpx.AsyncClient(transport=AiohttpTransport(limits=LIMITS)) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{port}/")
