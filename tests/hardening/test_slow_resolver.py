"""The request deadline also cuts resolvers that call no service: here the accounts database,
read in a worker thread, waits because every worker thread is taken (as by a burst of logins,
each hashing a password for a while). Its field is SERVICE_UNAVAILABLE; the rest is served."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from anyio import to_thread

from graph_gateway.extensions.deadline import GRACE_S
from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.hardening.in_process import gateway
from tests.support.service_app import TOKEN
from tests.support.service_process import running_service

pytestmark = pytest.mark.e2e

DEADLINE_S = 1.0
SIGN_UP = 'mutation($e: String!) { signUp(email: $e, password: "long enough") { token } }'


@asynccontextmanager
async def gateway_over_a_real_calendar(
    make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in this process (it shares our worker threads), the calendar in its own."""
    with running_service(
        "calendar_svc",
        env_prefix="CALENDAR_",
        database_url=make_database_url("calendar"),
        workdir=tmp_path,
        token=TOKEN,
    ) as calendar:
        settings = GatewaySettings(
            environment="test",
            database_url=make_database_url("gateway"),
            internal_token=TOKEN,
            jwt_secret=secrets.token_urlsafe(32),
            password_time_cost=1,
            password_memory_kib=1024,
            password_parallelism=1,
            calendar_url=calendar.url,
            diary_url="http://127.0.0.1:9",
            request_deadline_s=DEADLINE_S,
            rate_limit_enabled=False,
        )
        async with gateway(settings) as http:
            yield http


@asynccontextmanager
async def every_worker_thread_taken() -> AsyncIterator[None]:
    """Hold all of the event loop's worker threads until the block ends."""
    limiter = to_thread.current_default_thread_limiter()
    release = threading.Event()
    holders = [
        asyncio.create_task(to_thread.run_sync(release.wait))
        for _ in range(int(limiter.total_tokens))
    ]
    try:
        while limiter.available_tokens > 0:  # noqa: ASYNC110 - anyio offers no event for it
            await asyncio.sleep(0.01)
        yield
    finally:
        release.set()
        await asyncio.gather(*holders)


async def sign_up(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    """A new account's authorization header."""
    answer = await http.post("/graphql", json={"query": SIGN_UP, "variables": {"e": email}})
    return {"authorization": f"Bearer {answer.json()['data']['signUp']['token']}"}


async def test_a_resolver_waiting_on_the_accounts_database_is_cut_at_the_deadline(
    make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    async with gateway_over_a_real_calendar(make_database_url, tmp_path) as http:
        auth = await sign_up(http, "slow-me@example.test")
        query = {"query": "{ me { email } tags { id } }"}
        warm = await http.post("/graphql", json=query, headers=auth)  # confirms the account
        assert warm.json()["data"] == {"me": {"email": "slow-me@example.test"}, "tags": []}

        async with every_worker_thread_taken():
            started = time.monotonic()
            response = await http.post("/graphql", json=query, headers=auth)
            took = time.monotonic() - started
        after = await http.post("/graphql", json=query, headers=auth)

    assert DEADLINE_S - 0.1 <= took < DEADLINE_S + GRACE_S + 1.0, took
    body = response.json()
    assert body["data"] == {"me": None, "tags": []}
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["me"], {"code": "SERVICE_UNAVAILABLE", "service": "gateway"})
    ]
    assert after.json() == warm.json()  # nothing was left broken


async def test_an_account_that_cannot_be_confirmed_in_time_runs_nothing(
    make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    async with gateway_over_a_real_calendar(make_database_url, tmp_path) as http:
        auth = await sign_up(http, "unconfirmed@example.test")
        async with every_worker_thread_taken():
            started = time.monotonic()
            response = await http.post("/graphql", json={"query": "{ tags { id } }"}, headers=auth)
            took = time.monotonic() - started

    assert DEADLINE_S - 0.1 <= took < DEADLINE_S + GRACE_S + 1.0, took
    body = response.json()
    # The credential could not be checked in time: the field that needs the caller is null with
    # SERVICE_UNAVAILABLE.
    assert body["data"] == {"tags": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["tags"], "SERVICE_UNAVAILABLE")
    ]
