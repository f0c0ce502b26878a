"""The response cache at its edges: TTL expiry, the entry size limit, its settings' bounds,
Redis closed or silent (a bypass, never a failure), and the race a generation snapshot closes."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from graph_gateway.response_cache.store import CacheUnavailableError, ResponseStore
from graph_gateway.services import services_of_app
from graph_gateway.settings import GatewaySettings
from scripts.ports import free_port
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_event
from tests.graph_gateway.response_cache_support import (
    REDIS_URL,
    cache_settings,
    cached_gateway,
    counted,
    upstream_calls,
)

EVENTS = "{ events(first: 20) { edges { node { id title } } } }"


async def _calls_of_read(
    gateway: Gateway, token: str, query: str = EVENTS
) -> tuple[dict[str, Any], int]:
    gateway.reset_counts()
    data = await gateway.ok(query, token=token)
    return data, upstream_calls(gateway)


async def test_an_answer_expires_after_the_ttl(
    make_database_url: DatabaseUrlFactory, gateway_settings: GatewaySettings, tmp_path: Path
) -> None:
    async with cached_gateway(
        gateway_settings, make_database_url, tmp_path, response_cache_ttl_s=1
    ) as gateway:
        token = await gateway.sign_up()
        await _calls_of_read(gateway, token)
        assert (await _calls_of_read(gateway, token))[1] == 0
        await asyncio.sleep(1.5)
        assert (await _calls_of_read(gateway, token))[1] == 1


async def test_an_answer_of_the_size_limit_is_kept_one_byte_more_is_not(
    make_database_url: DatabaseUrlFactory, gateway_settings: GatewaySettings, tmp_path: Path
) -> None:
    async with cached_gateway(gateway_settings, make_database_url, tmp_path) as gateway:
        token = await gateway.sign_up()
        for n in range(8):  # an answer over the limit's 1 KiB floor
            await make_event(gateway, token, title=f"{n}" * 150)
        data, _ = await _calls_of_read(gateway, token)
        size = len(orjson.dumps(data))
        cache = services_of_app(gateway.app).response_cache
        assert cache is not None
        # Each document below has its own key (one more space), so each starts with a miss.
        cache.max_entry_bytes = size - 1
        too_large = counted("stores", result="too_large")
        assert (await _calls_of_read(gateway, token, EVENTS + " "))[1] == 1
        assert counted("stores", result="too_large") == too_large + 1
        assert (await _calls_of_read(gateway, token, EVENTS + " "))[1] == 1  # not kept

        cache.max_entry_bytes = size
        assert (await _calls_of_read(gateway, token, EVENTS + "  "))[1] == 1
        assert (await _calls_of_read(gateway, token, EVENTS + "  "))[1] == 0  # kept


@pytest.mark.parametrize(
    ("values", "valid"),
    [
        ({"response_cache_ttl_s": 1}, True),
        ({"response_cache_ttl_s": 0}, False),
        ({"response_cache_ttl_s": 1_800}, True),  # half the 60-minute image URL
        ({"response_cache_ttl_s": 1_801}, False),
        ({"response_cache_ttl_s": 3_600, "image_url_ttl_minutes": 120}, True),
        ({"response_cache_ttl_s": 3_601, "image_url_ttl_minutes": 240}, False),
        ({"response_cache_max_entry_bytes": 1_024}, True),
        ({"response_cache_max_entry_bytes": 1_023}, False),
        ({"response_cache_max_entry_bytes": 64 * 1_048_576}, True),
        ({"response_cache_max_entry_bytes": 64 * 1_048_576 + 1}, False),
        ({"response_cache_timeout_s": 0.005}, True),
        ({"response_cache_timeout_s": 0.004}, False),
        ({"response_cache_timeout_s": 2.0}, True),
        ({"response_cache_timeout_s": 2.1}, False),
        ({"response_cache_uri": "memory://"}, False),
        ({"response_cache_uri": "rediss://cache:6380/2"}, True),
        ({"response_cache_key_prefix": ""}, False),
    ],
)
def test_the_settings_bounds(
    gateway_settings: GatewaySettings, values: dict[str, Any], valid: bool
) -> None:
    if valid:
        cache_settings(gateway_settings, **values)
    else:
        with pytest.raises(ValidationError):
            cache_settings(gateway_settings, **values)


def test_the_cache_is_off_unless_its_uri_is_set(gateway_settings: GatewaySettings) -> None:
    assert gateway_settings.response_cache_uri is None
    assert cache_settings(gateway_settings, response_cache_uri="").response_cache_uri is None


async def _silent_server() -> tuple[asyncio.Server, int]:
    """A TCP server that accepts connections and never answers: a Redis too slow to wait for."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture(params=["closed", "silent"])
async def unreachable_redis(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The URI of a Redis that refuses connections, or of one that never answers."""
    if request.param == "closed":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return
    server, port = await _silent_server()
    async with server:
        yield f"redis://127.0.0.1:{port}/0"


async def test_redis_unreachable_is_a_bypass_and_every_answer_is_right(
    make_database_url: DatabaseUrlFactory,
    gateway_settings: GatewaySettings,
    tmp_path: Path,
    unreachable_redis: str,
) -> None:
    async with cached_gateway(
        gateway_settings, make_database_url, tmp_path, response_cache_uri=unreachable_redis
    ) as gateway:
        token = await gateway.sign_up()
        unavailable = counted("requests", result="unavailable")
        failed = counted("invalidations", result="failed")
        first, calls = await _calls_of_read(gateway, token)
        assert (first, calls) == ({"events": {"edges": []}}, 1)
        event = await make_event(gateway, token, title="written while Redis is away")
        assert counted("invalidations", result="failed") == failed + 1
        data, calls = await _calls_of_read(gateway, token)
        assert calls == 1
        assert data["events"]["edges"] == [{"node": {"id": event["id"], "title": event["title"]}}]
        # Each read ran uncached: Redis tried and failed, or skipped while cooling down.
        assert counted("requests", result="unavailable") == unavailable + 2


async def test_an_answer_read_before_a_mutation_is_never_served_after_it() -> None:
    """The race: a read starts, a mutation commits and invalidates, then the read stores its
    (old) answer. It is stored under the generations read before the mutation, so the next
    lookup, which reads the bumped generations, does not find it."""
    store = ResponseStore(
        REDIS_URL,
        ttl_s=60,
        timeout_s=0.5,
        prefix=f"fc:rc:test:{secrets.token_hex(8)}:",
        deadline_s=15,
    )
    try:
        domains = ("diary", "events")
        key, body = await store.lookup(7, "digest", domains)  # the read starts: a miss
        assert body is None
        await store.invalidate(7, frozenset({"events"}))  # the mutation's response is ready
        await store.store(key, b'{"old":true}')  # the slow read finishes
        assert (await store.lookup(7, "digest", domains))[1] is None
        # What does not read events keeps its answers; a fresh answer is found.
        new_key, _ = await store.lookup(7, "digest", domains)
        await store.store(new_key, b'{"new":true}')
        assert (await store.lookup(7, "digest", domains))[1] == b'{"new":true}'
        other_key, _ = await store.lookup(7, "tags-only", ("tags",))
        await store.store(other_key, b"{}")
        await store.invalidate(7, frozenset({"events", "diary"}))
        assert (await store.lookup(7, "tags-only", ("tags",)))[1] == b"{}"
        assert (await store.lookup(7, "digest", domains))[1] is None
        # Another user's generations are their own.
        assert (await store.lookup(8, "digest", domains))[0].endswith(":0.0")
    finally:
        await store.aclose()


async def test_a_store_that_fails_says_so_and_cools_down() -> None:
    store = ResponseStore(
        f"redis://127.0.0.1:{free_port()}/0", ttl_s=60, timeout_s=0.05, prefix="p:", deadline_s=1
    )
    try:
        for attempt in (store.lookup(1, "d", ("events",)), store.lookup(1, "d", ("events",))):
            with pytest.raises(CacheUnavailableError):
                await attempt
        with pytest.raises(CacheUnavailableError):  # never skipped, even cooling down
            await store.invalidate(1, frozenset({"events"}))
    finally:
        await store.aclose()
