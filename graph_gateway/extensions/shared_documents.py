"""Automatic persisted query documents shared by every gateway replica, in Redis.

A document one replica learned (its hash registered with the full text) is found by the others,
so a client whose next request lands elsewhere is not sent back with PersistedQueryNotFound.
Entries expire after `ttl_s` unless used; the store is a cache, never a dependency: when Redis
does not answer in time, the replica goes on with what it knows itself.
"""

from __future__ import annotations

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("fc.gateway.persisted_queries")
KEY_PREFIX = "fc:apq:"


class SharedDocuments:
    """Documents by SHA-256 in Redis, each kept for `ttl_s` after its last use."""

    def __init__(self, uri: str, *, ttl_s: int) -> None:
        # Short timeouts: a request waits at most this long for a store that is gone.
        self._redis = Redis.from_url(uri, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.ttl_s = ttl_s

    async def get(self, digest: str) -> str | None:
        """The document with this hash, refreshing its expiry; None if unknown or unreachable."""
        try:
            document = await self._redis.getex(KEY_PREFIX + digest, ex=self.ttl_s)
        except RedisError as error:
            log.warning("shared persisted queries unavailable", error=str(error))
            return None
        return document.decode() if isinstance(document, bytes) else None

    async def put(self, digest: str, document: str) -> None:
        """Share a document that ran; a store that does not answer is only logged."""
        try:
            await self._redis.set(KEY_PREFIX + digest, document, ex=self.ttl_s)
        except RedisError as error:
            log.warning("shared persisted queries unavailable", error=str(error))

    async def aclose(self) -> None:
        """Close the connection pool (at shutdown)."""
        await self._redis.aclose()
