"""`python -m bench.auth_cost`: what checking a credential costs per request.

Every authenticated request now resolves its credential against the accounts database (is the
session still live? is the key still there?) through a per-process cache trusted for at most
`GATEWAY_AUTH_CACHE_TTL_S` (1 s). This measures, per call of `Authenticator.authenticate`:

- `jwt verify only`: the signature and claims check alone (what a request cost before sessions);
- `session, cached` / `api key, cached`: the steady state (within a second of the last read);
- `session, database` / `api key, database`: a cache miss, one indexed read in a worker thread
  (what each user's first request in each second costs, per gateway replica).

Run it against SQLite (default, a temporary file) or PostgreSQL (`--database-url`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from fc_common.db import Database, create_db_engine
from fc_common.migrations import upgrade_to_head
from graph_gateway.accounts import queries
from graph_gateway.accounts.authenticator import Authenticator
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.wiring import build_account_parts
from graph_gateway.app import MIGRATIONS_DIR
from graph_gateway.clients.base import Upstream
from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.settings import GatewaySettings

ROUNDS = 5


async def _per_call_us(call: Callable[[], Awaitable[object]], calls: int) -> tuple[float, float]:
    """Median wall and CPU microseconds per call over `ROUNDS` rounds of `calls` calls."""
    walls, cpus = [], []
    for _ in range(ROUNDS):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            await call()
        walls.append((time.perf_counter() - wall) / calls * 1e6)
        cpus.append((time.process_time() - cpu) / calls * 1e6)
    return statistics.median(walls), statistics.median(cpus)


def _authenticator(
    settings: GatewaySettings, db: Database, ttl_s: float, http: httpx.AsyncClient
) -> Authenticator:
    # Checking a credential never calls the services: their client is only there to be wired.
    unused = Upstream(name="unused", http=http, internal_token="")
    passwords = Passwords(time_cost=1, memory_kib=64, parallelism=1)
    parts = build_account_parts(
        settings.model_copy(update={"auth_cache_ttl_s": ttl_s}),
        db=db,
        passwords=passwords,
        calendar=unused,
        diary=unused,
        signer=ImageUrlSigner(b"k", ttl_s=60),
    )
    return parts.authenticator


async def measure(database_url: str, calls: int) -> list[tuple[str, float, float]]:
    """(case, wall µs, CPU µs) per call for each case."""
    upgrade_to_head(MIGRATIONS_DIR, database_url)
    db = Database(create_db_engine(database_url))
    settings = GatewaySettings(environment="test", database_url=database_url)
    async with httpx.AsyncClient(base_url="http://services.invalid") as http:
        cached = _authenticator(settings, db, ttl_s=1.0, http=http)
        uncached = _authenticator(settings, db, ttl_s=0.0, http=http)
        return await _measure_cases(db, cached, uncached, calls)


async def _measure_cases(
    db: Database, cached: Authenticator, uncached: Authenticator, calls: int
) -> list[tuple[str, float, float]]:
    """Time each case against one signed-in user's token and API key."""
    with db.write() as session:
        user = queries.create_user(
            session=session,
            email=f"bench{time.time_ns()}@example.com",
            password_hash="x",  # noqa: S106 - never verified
            display_name=None,
        )
        assert user.id is not None
        issued = cached.sessions.start(session, user_id=user.id, now=datetime.now(UTC))
    key = cached.api_keys.create(user_id=user.id, name="bench", scopes=["READ"], expires_at=None)
    tokens = cached.sessions.tokens

    async def verify_only() -> object:
        return tokens.verify(issued.token)

    cases = [
        ("jwt verify only", verify_only),
        ("session, cached", lambda: cached.authenticate(issued.token)),
        ("session, database", lambda: uncached.authenticate(issued.token)),
        ("api key, cached", lambda: cached.authenticate(key.secret)),
        ("api key, database", lambda: uncached.authenticate(key.secret)),
    ]
    results = []
    for name, call in cases:
        await call()  # warm the cache (and the connection pool)
        wall, cpu = await _per_call_us(call, calls)
        results.append((name, wall, cpu))
    db.dispose()
    return results


def main() -> None:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (5 rounds)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'gateway.db'}"
        results = asyncio.run(measure(url, args.calls))
    print(f"database: {url.split(':', 1)[0]}; {ROUNDS} rounds of {args.calls} calls, medians")
    print("| case | µs per call (wall) | µs per call (CPU) |\n|---|---:|---:|")
    for name, wall, cpu in results:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
