"""Who a bearer credential speaks for: an access JWT of a live session, or a valid API key.

Revocation has to reach every gateway replica within a second, at a small cost per request.
Sessions and keys live in the gateway's database (shared by the replicas); each process keeps
what it read for at most `ttl_s` (≤ 1 s), so a hot user costs one indexed read per second per
replica, and a revocation made here is forgotten here at once. The bench measures the cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from anyio import to_thread

from graph_gateway.accounts.api_key_queries import KeyOwner
from graph_gateway.accounts.api_keys import LAST_USED_PRECISION, SCOPES, ApiKeys
from graph_gateway.accounts.credentials import (
    CredentialHasher,
    looks_like_api_key,
    well_formed_api_key,
)
from graph_gateway.accounts.session_queries import LiveSession
from graph_gateway.accounts.sessions import Sessions
from graph_gateway.errors import UnauthenticatedError

K = TypeVar("K")
V = TypeVar("V")
MAX_CACHED = 100_000
ENDED = "The session has ended; log in again"
BAD_KEY = "The API key is invalid, revoked or expired"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request: a user, through a session or through an API key."""

    user_id: int
    time_zone: str
    session_id: int | None = None
    api_key_id: int | None = None
    scopes: frozenset[str] = frozenset(SCOPES)

    @property
    def via_api_key(self) -> bool:
        """Whether the request came with an API key rather than a session's token."""
        return self.api_key_id is not None


class TtlCache(Generic[K, V]):
    """A dict whose entries are trusted for `ttl_s` seconds (misses are cached too)."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[K, tuple[float, V | None]] = {}

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, value) while the entry is fresh, else (False, None)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V | None) -> None:
        """Remember a value (None: known to be absent)."""
        if self.ttl_s <= 0:
            return
        if len(self._entries) >= MAX_CACHED:
            now = self._clock()
            self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            if len(self._entries) >= MAX_CACHED:
                self._entries.clear()
        self._entries[key] = (self._clock() + self.ttl_s, value)

    def forget(self, matches: Callable[[V], bool]) -> None:
        """Drop every entry whose value matches."""
        self._entries = {
            k: e for k, e in self._entries.items() if e[1] is None or not matches(e[1])
        }


class Authenticator:
    """Turn an `Authorization: Bearer` credential into a `Principal`, or UNAUTHENTICATED."""

    def __init__(
        self, *, sessions: Sessions, api_keys: ApiKeys, hasher: CredentialHasher, ttl_s: float
    ) -> None:
        self.sessions = sessions
        self.api_keys = api_keys
        self._hasher = hasher
        self._sessions_seen: TtlCache[int, LiveSession] = TtlCache(ttl_s)
        self._keys_seen: TtlCache[str, KeyOwner] = TtlCache(ttl_s)
        # When this process last wrote each key's `last_used_at` (the cache may be older).
        self._touched: dict[int, datetime] = {}

    def forget_user(self, user_id: int) -> None:
        """Forget what this process read about a user's sessions and keys (after a change)."""
        self._sessions_seen.forget(lambda s: s.user_id == user_id)
        self._keys_seen.forget(lambda k: k.user_id == user_id)

    async def authenticate(self, credential: str) -> Principal:
        """The principal a bearer credential names."""
        if looks_like_api_key(credential):
            return await self._by_api_key(credential)
        claims = self.sessions.tokens.verify(credential)
        hit, live = self._sessions_seen.get(claims.session_id)
        if not hit:
            live = await to_thread.run_sync(self.sessions.live, claims.session_id)
            self._sessions_seen.put(claims.session_id, live)
        if live is None or live.user_id != claims.user_id:
            raise UnauthenticatedError(ENDED)
        return Principal(
            user_id=live.user_id, time_zone=live.time_zone, session_id=claims.session_id
        )

    async def _by_api_key(self, key: str) -> Principal:
        if not well_formed_api_key(key):
            raise UnauthenticatedError(BAD_KEY)
        digest = self._hasher.digest(key)
        hit, owner = self._keys_seen.get(digest)
        if not hit:
            owner = await to_thread.run_sync(self.api_keys.owner, digest)
            self._keys_seen.put(digest, owner)
        now = datetime.now(UTC)
        if owner is None or (owner.expires_at is not None and owner.expires_at <= now):
            raise UnauthenticatedError(BAD_KEY)
        last_used = self._touched.get(owner.key_id, owner.last_used_at)
        if last_used is None or now - last_used >= LAST_USED_PRECISION:
            if len(self._touched) >= MAX_CACHED:
                self._touched.clear()  # only costs an early write per key
            self._touched[owner.key_id] = now
            await to_thread.run_sync(self.api_keys.touch, owner.key_id, now)
        return Principal(
            user_id=owner.user_id,
            time_zone=owner.time_zone,
            api_key_id=owner.key_id,
            scopes=owner.scopes,
        )
