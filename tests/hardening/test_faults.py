"""Faults with the real processes: a service stopped, slowed down, restarted; SIGTERM mid-request.

Runs against the hardening stack (breaker opens after 2 failures and probes after 1 s; upstream
read timeout 1.5 s). Each test puts the stack back as it found it.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scripts.ports import free_port
from scripts.processes import Process, ProcessError, answers, wait_ready
from tests.hardening.conftest import gateway_request_line, new_request_id
from tests.hardening.slow_proxy import SlowProxy
from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack, restart

pytestmark = pytest.mark.e2e

EVENTS_WITH_ENTRIES = """
query EventsWithEntries {
  events(first: 10) { edges { node { title diaryEntries { id content } } } }
}
"""
ENTRIES_WITH_TAGS_AND_EVENTS = """
query EntriesAcross {
  diaryEntries(first: 10) { edges { node { id content tags { id } events { id } } } }
}
"""
CREATE_TAG = "mutation T($i: TagInput!) { createTag(input: $i) { id } }"
CREATE_EVENT = "mutation E($i: CreateEventInput!) { createEvent(input: $i) { id } }"
CREATE_ENTRY = "mutation D($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }"


async def seed(client: GraphQLClient, user: LiveUser) -> None:
    """Two events on 2026-05-01 and 02, each with a diary entry of its day, all tagged."""
    tag = (
        await client.execute(
            CREATE_TAG, {"i": {"name": "일", "color": "#336699"}}, token=user.token
        )
    ).ok()
    tag_id = tag["createTag"]["id"]
    for day in ("01", "02"):
        event = {
            "title": f"Event {day}",
            "startsAt": f"2026-05-{day}T09:00:00+00:00",
            "endsAt": f"2026-05-{day}T10:00:00+00:00",
            "tagIds": [tag_id],
        }
        (await client.execute(CREATE_EVENT, {"i": event}, token=user.token)).ok()
        entry = {"date": f"2026-05-{day}", "content": f"오늘의 일기 {day}", "tagIds": [tag_id]}
        (await client.execute(CREATE_ENTRY, {"i": entry}, token=user.token)).ok()


async def readiness(stack: LiveStack) -> tuple[int, dict[str, Any]]:
    """The gateway's /health/ready status code and body."""
    async with httpx.AsyncClient(timeout=5.0) as http:
        response = await http.get(f"{stack.gateway.url}/health/ready")
    return response.status_code, response.json()


async def wait_until(check: Any, within_s: float = 10.0) -> None:
    """Poll an async predicate until it holds."""
    deadline = time.monotonic() + within_s
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


def unavailable_paths(errors: list[dict[str, Any]]) -> list[list[Any]]:
    """The paths of the SERVICE_UNAVAILABLE errors (and fail on any other error)."""
    assert all(e["extensions"]["code"] == "SERVICE_UNAVAILABLE" for e in errors), errors
    return sorted(e["path"] for e in errors)


async def test_diary_down_serves_events_with_null_entries_then_recovers(
    hardening_stack: LiveStack, client: GraphQLClient, member: LiveUser
) -> None:
    await seed(client, member)
    before = (await client.execute(EVENTS_WITH_ENTRIES, token=member.token)).ok()
    assert [len(e["node"]["diaryEntries"]) for e in before["events"]["edges"]] == [1, 1]

    hardening_stack.diary.stop()
    try:
        down = await client.execute(EVENTS_WITH_ENTRIES, token=member.token)
        assert down.status_code == 200
        assert down.data is not None
        nodes = [e["node"] for e in down.data["events"]["edges"]]
        assert [n["title"] for n in nodes] == ["Event 01", "Event 02"]
        assert [n["diaryEntries"] for n in nodes] == [None, None]
        assert unavailable_paths(down.errors) == [
            ["events", "edges", 0, "node", "diaryEntries"],
            ["events", "edges", 1, "node", "diaryEntries"],
        ]
        assert all(e["extensions"]["service"] == "diary" for e in down.errors)
        assert "127.0.0.1" not in down.response.text  # no internal address leaks

        # A call counts once against the breaker, after its retries: a second failed query
        # opens it (threshold 2); from then on it fails fast, without calling.
        second = await client.execute(EVENTS_WITH_ENTRIES, token=member.token)
        assert unavailable_paths(second.errors)
        request_id = new_request_id()
        started = time.perf_counter()
        fast = await client.execute(
            EVENTS_WITH_ENTRIES, token=member.token, headers={"X-Request-ID": request_id}
        )
        assert time.perf_counter() - started < 0.3
        assert unavailable_paths(fast.errors)
        line = gateway_request_line(hardening_stack, request_id)
        assert "diary" not in line.get("upstream", {}), line
        assert line["upstream"]["calendar"]["count"] >= 1

        status, body = await readiness(hardening_stack)
        assert body["checks"]["diary"] == "down"
        assert body["checks"]["calendar"] == "ok"
        assert (status, body["status"]) == (200, "degraded")
    finally:
        restart(hardening_stack.diary, hardening_stack.env)

    # No query traffic: the readiness probe alone closes the breaker after its cool-down.
    async def ready_again() -> bool:
        status, body = await readiness(hardening_stack)
        return status == 200 and body["checks"]["diary"] == "ok"

    await wait_until(ready_again)
    again = await client.execute(EVENTS_WITH_ENTRIES, token=member.token)
    assert again.ok() == before
    transitions = [
        r["event"]
        for r in hardening_stack.gateway.log_records()
        if r.get("event", "").startswith("circuit") and r.get("service") == "diary"
    ]
    assert transitions[-2:] == ["circuit opened", "circuit closed"]


async def test_calendar_down_serves_entries_with_null_tags_and_events_then_recovers(
    hardening_stack: LiveStack, client: GraphQLClient, member: LiveUser
) -> None:
    await seed(client, member)
    hardening_stack.calendar.stop()
    try:
        down = await client.execute(ENTRIES_WITH_TAGS_AND_EVENTS, token=member.token)
        assert down.status_code == 200 and down.data is not None
        nodes = [e["node"] for e in down.data["diaryEntries"]["edges"]]
        assert [n["content"] for n in nodes] == ["오늘의 일기 01", "오늘의 일기 02"]
        assert all(n["tags"] is None and n["events"] is None for n in nodes)
        assert unavailable_paths(down.errors) == sorted(
            ["diaryEntries", "edges", i, "node", field]
            for i in (0, 1)
            for field in ("tags", "events")
        )
        me = await client.execute("{ me { id } }", token=member.token)
        assert me.ok()["me"]["id"] == member.id  # the gateway's own data is unaffected
    finally:
        restart(hardening_stack.calendar, hardening_stack.env)

    async def relations_back() -> bool:
        result = await client.execute(ENTRIES_WITH_TAGS_AND_EVENTS, token=member.token)
        return not result.errors

    await wait_until(relations_back)


def second_gateway(stack: LiveStack, name: str, **env: str) -> Process:
    """Another gateway process on the stack's databases, with some settings changed."""
    port = free_port()
    process = Process(name, "graph_gateway", port, stack.workdir / f"{name}.log")
    # Its metrics off: the stack's gateway already serves them on the port `stack.env` names.
    process.start({**stack.env, "GATEWAY_PORT": str(port), "GATEWAY_METRICS_PORT": "0", **env})
    try:
        wait_ready([process], 30, probe=answers("/health"))
    except ProcessError:
        process.stop()
        raise
    return process


@pytest.fixture(scope="module")
def slow_lane(hardening_stack: LiveStack) -> Iterator[tuple[SlowProxy, Process]]:
    """A second gateway whose diary calls cross a slow proxy (its delay is set per test)."""
    with SlowProxy(hardening_stack.diary.url, delay_s=0.0) as proxy:
        gateway = second_gateway(hardening_stack, "gateway-slow-diary", GATEWAY_DIARY_URL=proxy.url)
        try:
            yield proxy, gateway
        finally:
            gateway.stop()


async def test_a_slow_diary_times_out_into_service_unavailable(
    slow_lane: tuple[SlowProxy, Process], member: LiveUser, client: GraphQLClient
) -> None:
    await seed(client, member)
    proxy, gateway = slow_lane
    proxy.delay_s, calls_before = 4.0, proxy.requests
    async with httpx.AsyncClient(timeout=10.0) as http:
        slow_client = GraphQLClient(http, f"{gateway.url}/graphql")
        started = time.perf_counter()
        result = await slow_client.execute(EVENTS_WITH_ENTRIES, token=member.token)
        elapsed = time.perf_counter() - started
    assert 1.4 <= elapsed < 3.0, elapsed  # the 1.5 s read timeout, not the 4 s delay
    assert result.data is not None
    assert [e["node"]["title"] for e in result.data["events"]["edges"]] == ["Event 01", "Event 02"]
    assert [e["node"]["diaryEntries"] for e in result.data["events"]["edges"]] == [None, None]
    assert len(unavailable_paths(result.errors)) == 2
    assert proxy.requests - calls_before == 1  # a timed-out read is not retried


async def test_sigterm_lets_an_in_flight_request_finish_and_exits_zero(
    slow_lane: tuple[SlowProxy, Process], member: LiveUser, client: GraphQLClient
) -> None:
    await seed(client, member)
    proxy, gateway = slow_lane
    assert gateway.popen is not None
    proxy.delay_s, calls_before = 1.0, proxy.requests
    async with httpx.AsyncClient(timeout=10.0) as http:
        slow_client = GraphQLClient(http, f"{gateway.url}/graphql")

        async def reached_the_diary() -> bool:
            return proxy.requests > calls_before

        in_flight = asyncio.create_task(
            slow_client.execute(EVENTS_WITH_ENTRIES, token=member.token)
        )
        await wait_until(reached_the_diary, within_s=5)
        gateway.popen.send_signal(signal.SIGTERM)
        result = await in_flight
    exit_code = await asyncio.to_thread(gateway.stop)
    assert exit_code == 0, gateway.log_tail()
    assert result.status_code == 200
    assert not result.errors, result.errors
    assert result.data is not None
    assert [len(e["node"]["diaryEntries"]) for e in result.data["events"]["edges"]] == [1, 1]
