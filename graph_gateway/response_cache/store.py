"""The response cache's Redis side: answers by key, and each user's generations.

Each user has a hash of generations, one counter per domain (`scope.py`): a mutation bumps the
counters of what it changed, before its response returns. An answer is stored under a key
that ends with the generations of the domains it shows, read (in the same round trip as the
lookup) *before* the query ran. So an answer computed before a mutation's bump, even one that
finishes storing after it, sits under generations no lookup asks for any more: after the
bump, nothing read before it is served. Answers expire after the TTL; the hash a day after the
user's last mutation (so an old key can never come back: see `GENERATIONS_TTL_S`).

Redis that fails or is slow (`timeout_s`) is a bypass, never an error: the request runs as
if nothing were cached, a warning is logged at most once per `WARN_INTERVAL_S`, and lookups
skip Redis for `COOL_DOWN_S` (so an outage costs each request nothing). Invalidations are
always attempted.
"""

from __future__ import annotations

import time
from typing import Final, NoReturn

import structlog
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from graph_gateway.response_cache.metrics import INVALIDATIONS, REDIS_FAILURES
from graph_gateway.response_cache.scope import Domain
from graph_gateway.settings import GatewaySettings

log = structlog.get_logger("fc.gateway.response_cache")

WARN_INTERVAL_S: Final = 30.0
COOL_DOWN_S: Final = 1.0
# Longer than any answer can live after its generations were read (deadline + TTL, the TTL at
# most an hour): so when a hash expires and its counters start again from zero, every answer
# keyed with their earlier values is gone.
GENERATIONS_TTL_S: Final = 86_400

# KEYS[1]: the user's generations; ARGV[1]: the answer key's stem; ARGV[2..]: its domains.
# Returns the full key (stem + generations) and the answer stored there (false if none).
_LOOKUP: Final = """
local generations = {}
if #ARGV > 1 then
  generations = redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
end
local parts = {}
for i, value in ipairs(generations) do parts[i] = value or '0' end
local key = ARGV[1] .. table.concat(parts, '.')
return {key, redis.call('GET', key)}
"""


class CacheUnavailableError(Exception):
    """Redis failed or did not answer in time (the caller bypasses the cache)."""


class ResponseStore:
    """Cached answers and generations in one Redis, shared by every replica."""

    def __init__(
        self, uri: str, *, ttl_s: int, timeout_s: float, prefix: str, deadline_s: float
    ) -> None:
        # One immediate retry (a pooled connection Redis has since closed), no backoff.
        self._redis = Redis.from_url(
            uri,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1),
        )
        self._lookup = self._redis.register_script(_LOOKUP)
        self.ttl_s = ttl_s
        self.prefix = prefix
        self.generations_ttl_s = GENERATIONS_TTL_S + int(deadline_s) + 1
        self._down_until = 0.0
        self._warned_at = -WARN_INTERVAL_S

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> ResponseStore | None:
        """The store `GATEWAY_RESPONSE_CACHE_URI` names; None (cache off) when unset."""
        if settings.response_cache_uri is None:
            return None
        return cls(
            settings.response_cache_uri,
            ttl_s=settings.response_cache_ttl_s,
            timeout_s=settings.response_cache_timeout_s,
            prefix=settings.response_cache_key_prefix,
            deadline_s=settings.request_deadline_s,
        )

    def _generations_key(self, user_id: int) -> str:
        # The braces keep a user's keys in one Redis Cluster slot (the lookup reads both).
        return f"{self.prefix}{{u{user_id}}}:gen"

    async def lookup(
        self, user_id: int, digest: str, domains: tuple[Domain, ...]
    ) -> tuple[str, bytes | None]:
        """The answer's full key (to store under on a miss) and the answer, if any."""
        if time.monotonic() < self._down_until:
            raise CacheUnavailableError("cooling down after a failure")
        stem = f"{self.prefix}{{u{user_id}}}:r:{digest}:"
        try:
            key, body = await self._lookup(
                keys=[self._generations_key(user_id)], args=[stem, *domains]
            )
        except (RedisError, OSError) as error:
            self._failed("lookup", error)
        return key.decode(), body if isinstance(body, bytes) else None

    async def store(self, key: str, body: bytes) -> None:
        """Keep an answer for the TTL."""
        try:
            await self._redis.set(key, body, ex=self.ttl_s)
        except (RedisError, OSError) as error:
            self._failed("store", error)

    async def invalidate(self, user_id: int, domains: frozenset[Domain]) -> None:
        """Bump the user's generations of these domains (one round trip, never skipped)."""
        if not domains:
            return
        key = self._generations_key(user_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for domain in sorted(domains):
                    pipe.hincrby(key, domain, 1)
                pipe.expire(key, self.generations_ttl_s)
                await pipe.execute()
        except (RedisError, OSError) as error:
            INVALIDATIONS.labels("failed").inc()
            # Answers kept before this mutation may be served until their TTL ends.
            log.error("response cache invalidation failed", user_id=user_id, error=str(error))
            self._failed("invalidate", error)
        INVALIDATIONS.labels("done").inc()

    def _failed(self, operation: str, error: Exception) -> NoReturn:
        """Count and (now and then) log a failure, cool down, and raise `CacheUnavailableError`."""
        REDIS_FAILURES.labels(operation).inc()
        now = time.monotonic()
        self._down_until = now + COOL_DOWN_S
        if now - self._warned_at >= WARN_INTERVAL_S:
            self._warned_at = now
            log.warning("response cache unavailable: bypassed", error=str(error) or repr(error))
        raise CacheUnavailableError(operation) from error

    async def aclose(self) -> None:
        """Close the connection pool (at shutdown)."""
        await self._redis.aclose()
