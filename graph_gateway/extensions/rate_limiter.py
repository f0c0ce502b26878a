"""The rate limiter's buckets, with the `limits` library (where they are applied: `rate_limit.py`).

Buckets (moving windows, limits from settings like "300/minute"):
- every GraphQL request: per user id when authenticated, per client IP otherwise;
- each API key: its own bucket (on top of its user's);
- `exportMyData`: per user, a few an hour;
- `logIn` / `signUp` (and the other fields that take a password or mint a credential): per
  client IP, then per email (hashed) — a guesser from one address is cut off long before the
  per-email bucket fills, so the account's owner elsewhere still gets in.

Storage is pluggable by URI: `memory://` (one process) or `redis://host:port[/db]` (shared).
The client IP is the socket peer; `X-Forwarded-For` is believed only when that peer is one of
the trusted proxies, and then the right-most address not itself a trusted proxy is the client.
When the store is unreachable the limiter fails open (and says so in the log): an outage of the
limiter's store must not become an outage of the API.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from typing import Any

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from graph_gateway.errors import RateLimitedError
from graph_gateway.observability.metrics import RATE_LIMIT_REFUSALS
from graph_gateway.settings import GatewaySettings, IPNetwork, parse_networks

log = structlog.get_logger("fc.gateway.rate_limit")


def parse_limit(value: str) -> RateLimitItem:
    """Parse a limit string ("300/minute"); raise ValueError when it is not one."""
    try:
        return parse(value)
    except ValueError as exc:
        raise ValueError(f"not a rate limit: {value!r} (e.g. '300/minute')") from exc


def client_ip(peer: str | None, forwarded_for: str | None, trusted: tuple[IPNetwork, ...]) -> str:
    """The address a request really comes from, believing only the trusted proxies."""
    if peer is None:
        return "unknown"
    if not trusted or forwarded_for is None or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop if _is_ip(hop) else peer
    return hops[0] if hops and _is_ip(hops[0]) else peer


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


class RateLimiter:
    """The gateway's buckets over one storage; build in lifespan, `aclose()` at shutdown."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.per_client = parse_limit(settings.rate_limit_per_client)
        self.auth_per_ip = parse_limit(settings.rate_limit_sign_in_per_ip)
        self.auth_per_email = parse_limit(settings.rate_limit_sign_in_per_email)
        self.per_api_key = parse_limit(settings.rate_limit_per_api_key)
        self.export_per_user = parse_limit(settings.rate_limit_export_per_user)
        self.trusted_proxies = parse_networks(settings.trusted_proxies)
        self._pool: ConnectionPool | None = None
        self.storage: Storage
        uri = settings.rate_limit_storage_uri
        if uri.startswith(("redis://", "rediss://")):
            # Our own pool, so shutdown can close it; short timeouts so a dead store fails fast.
            self._pool = ConnectionPool.from_url(
                uri, socket_connect_timeout=0.5, socket_timeout=0.5
            )
            # limits types its options as scalars, but hands them on to redis-py as they are.
            options: dict[str, Any] = {"connection_pool": self._pool}
            self.storage = RedisStorage(f"async+{uri}", implementation="redispy", **options)
        elif uri.startswith("memory://"):
            self.storage = MemoryStorage()
        else:
            raise ValueError(f"unsupported rate limit storage {uri!r}: memory:// or redis://")
        self.strategy = MovingWindowRateLimiter(self.storage)

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> RateLimiter | None:
        """A limiter over the configured storage, or None when rate limits are off."""
        return cls(settings) if settings.rate_limits_on else None

    def client_ip(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client address of a request, per the trusted proxy setting."""
        return client_ip(peer, forwarded_for, self.trusted_proxies)

    async def check_request(self, *, user_id: int | str | None, ip: str) -> None:
        """Count one GraphQL request; raise `RateLimitedError` when its bucket is empty."""
        key = f"user:{user_id}" if user_id is not None else f"ip:{ip}"
        await self._hit(self.per_client, "gql", key)

    async def check_api_key(self, key_id: int) -> None:
        """Count one request made with an API key, in that key's own bucket."""
        await self._hit(self.per_api_key, "api-key", str(key_id))

    async def check_export(self, user_id: int) -> None:
        """Count one `exportMyData` of a user."""
        await self._hit(self.export_per_user, "export", str(user_id))

    async def check_sign_in(self, *, ip: str, email: str | None) -> None:
        """Count one `logIn`/`signUp` attempt, per IP and then per email."""
        await self._hit(self.auth_per_ip, "auth-ip", ip)
        if email:
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
            await self._hit(self.auth_per_email, "auth-email", digest)

    async def _hit(self, item: RateLimitItem, *identifiers: str) -> None:
        try:
            allowed = await self.strategy.hit(item, *identifiers)
            if allowed:
                return
            stats = await self.strategy.get_window_stats(item, *identifiers)
        except Exception as exc:  # any storage failure: fail open, loudly
            log.warning("rate limit storage unavailable", error=type(exc).__name__)
            return
        RATE_LIMIT_REFUSALS.labels(identifiers[0]).inc()
        raise RateLimitedError(max(1, math.ceil(stats.reset_time - time.time())))

    async def ping(self) -> bool:
        """Whether the storage answers."""
        try:
            return await self.storage.check()
        except Exception:  # a health probe reports, never raises
            return False

    async def aclose(self) -> None:
        """Release the storage: Redis connections, or the memory store's expiry task."""
        if self._pool is not None:
            await self._pool.aclose()
        timer = getattr(self.storage, "timer", None)
        if timer is not None and not timer.done():
            timer.cancel()
