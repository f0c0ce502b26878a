"""A stack of the three real processes for the hardening tests, tuned so faults show quickly.

Its own stack (not the e2e session's): these tests stop, slow down and restart services, and
the shared one must not see that. Every process logs JSON to a file the secrets test reads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.processes import Process
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up
from tests.support.live_stack import LiveStack, graphql_client, running_stack, sqlite_urls

# Fast-reacting breakers and timeouts, so a fault test takes seconds, not minutes.
FAULT_ENV = {
    "GATEWAY_BREAKER_FAILURE_THRESHOLD": "2",
    "GATEWAY_BREAKER_RESET_TIMEOUT_S": "1",
    "GATEWAY_UPSTREAM_CONNECT_TIMEOUT_S": "0.5",
    "GATEWAY_UPSTREAM_TIMEOUT_S": "1.5",
    "GATEWAY_UPSTREAM_RETRIES": "1",
    "GATEWAY_REQUEST_DEADLINE_S": "5",
    "GATEWAY_SLOW_UPSTREAM_S": "0.8",
}


@pytest.fixture(scope="session")
def hardening_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """calendar_svc, diary_svc and graph_gateway on loopback, each on a fresh SQLite file."""
    workdir = tmp_path_factory.mktemp("hardening-stack")
    with running_stack(workdir, sqlite_urls(workdir), extra_env=FAULT_ENV) as stack:
        yield stack


@pytest.fixture
async def client(hardening_stack: LiveStack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client for the hardening stack's gateway."""
    async with graphql_client(hardening_stack) as graphql:
        yield graphql


@pytest.fixture(scope="session")
def seen_secrets() -> set[str]:
    """Every password and token the hardening tests used: none may appear in any log."""
    return set()


@pytest.fixture
async def member(client: GraphQLClient, seen_secrets: set[str]) -> LiveUser:
    """A freshly signed-up account on the hardening stack."""
    user = await sign_up(client, display_name="하드닝")
    seen_secrets.update({user.password, user.token})
    return user


def request_lines(process: Process, request_id: str) -> list[dict[str, Any]]:
    """The log records of one request id in a process's log."""
    return [r for r in process.log_records() if r.get("request_id") == request_id]


def gateway_request_line(stack: LiveStack, request_id: str, timeout: float = 3.0) -> dict[str, Any]:
    """The gateway's access line for a request (written just after the response is sent)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [r for r in request_lines(stack.gateway, request_id) if r.get("event") == "request"]
        if lines:
            return lines[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no gateway request line for {request_id}")
        time.sleep(0.02)


def new_request_id() -> str:
    """A unique, sane X-Request-ID to find one request in the logs."""
    return f"hardening-{uuid.uuid4().hex}"


def log_files(stack: LiveStack) -> list[Path]:
    """Every log file the stack's processes wrote."""
    return sorted(stack.workdir.glob("*.log"))
