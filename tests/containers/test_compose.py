"""The image and deploy/compose.yaml, for real: one journey through the containers' nginx (sign up,
a tag, an event, a diary entry, the month view), GraphiQL's offline files, health checks,
non-root processes and Prometheus scraping every replica."""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.containers.compose_stack import ComposeStack
from tests.e2e.observability.month import month_view, seed_month
from tests.support.graphql_client import GraphQLClient, sign_up

REPLICAS = ("gateway-1", "gateway-2", "calendar-1", "calendar-2", "diary-1", "diary-2")
# Building and starting the stack is inside the first test's budget.
pytestmark = pytest.mark.timeout(2400)


@pytest.fixture
async def https(stack: ComposeStack) -> AsyncIterator[httpx.AsyncClient]:
    """HTTPS to the edge, trusting only the CA the edge made (verification on)."""
    trust = ssl.create_default_context(cafile=str(stack.ca))
    base = f"https://127.0.0.1:{stack.https_port}"
    async with httpx.AsyncClient(base_url=base, verify=trust, timeout=30.0) as client:
        yield client


async def test_a_journey_through_the_containers_reads_the_month_view(
    https: httpx.AsyncClient,
) -> None:
    client = GraphQLClient(https, "/graphql")
    user = await sign_up(client)
    await seed_month(client, user)
    days = (await month_view(client, user)).ok()["days"]
    by_date = {day["date"]: day for day in days}
    assert len(days) == 30
    # 22:30 UTC on the 14th is the 15th in Seoul: the event and the entry share that day.
    [event] = by_date["2026-09-15"]["events"]
    [entry] = by_date["2026-09-15"]["diaryEntries"]
    assert event["title"] == "Breakfast 🥐"
    assert event["tags"] == [{"name": "가족"}]
    assert entry["content"] == "아침 🌅"
    assert entry["tags"] == [{"name": "가족"}]


async def test_plain_http_is_sent_to_https(stack: ComposeStack) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{stack.http_port}/graphql")
    assert response.status_code == 308
    assert response.headers["location"] == f"https://127.0.0.1:{stack.https_port}/graphql"


async def test_the_gateway_serves_graphiql_from_files_inside_the_image(
    https: httpx.AsyncClient,
) -> None:
    page = await https.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    scripts = re.findall(r'src="([^"]+\.js)"', page.text)
    assert len(scripts) >= 3, page.text[:500]
    for url in scripts:
        asset = await https.get(url)
        assert asset.status_code == 200, url
        assert "missing" not in url


def test_every_replica_is_healthy_and_runs_as_a_user_that_is_not_root(
    stack: ComposeStack,
) -> None:
    for service in REPLICAS:
        state = stack.inspect(service)["State"]
        assert isinstance(state, dict)
        assert state["Health"]["Status"] == "healthy", (service, state["Health"])
        uid = stack.compose("exec", "-T", service, "id", "-u")
        assert uid.stdout.strip() == "10001", (service, uid.stdout, uid.stderr)
    migrate = stack.inspect("migrate")["State"]
    assert isinstance(migrate, dict)
    assert migrate["Status"] == "exited" and migrate["ExitCode"] == 0


async def test_prometheus_scrapes_every_replica(stack: ComposeStack) -> None:
    url = f"http://127.0.0.1:{stack.prometheus_port}/api/v1/targets"
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=10.0) as client:
        while True:
            targets = (await client.get(url)).json()["data"]["activeTargets"]
            health = {t["labels"]["instance"]: t["health"] for t in targets}
            if len(health) == len(REPLICAS) and set(health.values()) == {"up"}:
                break
            assert time.monotonic() < deadline, f"targets not all up: {health}"
            await asyncio.sleep(1)
    jobs = {t["labels"]["job"] for t in targets}
    assert jobs == {"gateway", "calendar", "diary"}
    assert {instance.split(":")[0] for instance in health} == set(REPLICAS)
