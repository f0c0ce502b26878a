"""The planned path answers what graphql-core answers, byte for byte, errors included.

Random valid queries (hypothesis-graphql, over the schema the gateway serves) run against a real
gateway wired to the real calendar and diary apps, seeded with events, tags and diary entries:
once through the plans (`GATEWAY_COMPILED_EXECUTION`), once through plain graphql-core, and the
two response bodies must be the same bytes (errors from fields failing concurrently may come in
another order: see `same_but_error_order`).
"""

from __future__ import annotations

from typing import Any

import graphql
import hypothesis
import orjson
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from graph_gateway.execution.executor import PlanSwitch
from graph_gateway.execution.plan import OperationPlan
from graph_gateway.extensions.document_cache import DocumentCache
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings
from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag

EXAMPLES = hypothesis.settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
# Dates near the seeded data, and now and then one that is not a date at all.
DATES = ["2026-03-01", "2026-03-09", "2026-03-10", "2026-03-12", "2026-04-02", "2026-3-1"]
DATE_TIMES = ["2026-03-01T00:00:00Z", "2026-03-10T10:30:00+09:00", "2026-04-01T00:00:00Z", "x"]


def plan_switch(gateway: Gateway) -> PlanSwitch:
    """The switch of the gateway's schema: on, plans; off, graphql-core alone."""
    for route in gateway.app.router.routes:
        schema = getattr(getattr(route, "original_router", None), "schema", None)
        if schema is not None:
            switch: PlanSwitch = schema.execution_context_class.switch
            return switch
    raise AssertionError("no GraphQL router in the app")


def planned_operations(switch: PlanSwitch, query: str | None = None) -> int:
    """How many plans the gateway has built and kept (for `query`, or for every document)."""
    cache: DocumentCache = switch.plans_of.__self__  # type: ignore[attr-defined]
    slots = [plans for _document, plans in cache._plans.values()]
    if query is not None:
        document = cache.get(query)
        slots = [switch.plans_of(document) or {}] if document is not None else []
    return sum(isinstance(plan, OperationPlan) for plans in slots for plan in plans.values())


async def both_ways(
    gateway: Gateway, query: str, variables: dict[str, Any] | None, token: str | None
) -> tuple[bytes, bytes]:
    """The response body through the plans, then through graphql-core alone."""
    switch = plan_switch(gateway)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables or {}}
    bodies = []
    for enabled in (True, False):
        switch.enabled = enabled
        try:
            response = await gateway.http.post("/graphql", json=body, headers=headers)
        finally:
            switch.enabled = True
        bodies.append(response.content)
    return bodies[0], bodies[1]


def same_but_error_order(planned: bytes, plain: bytes) -> bool:
    """The same `data` bytes and the same errors, in another order.

    Fields that fail concurrently (an upstream outage under several list items) report in the
    order their upstream calls failed, which varies from run to run within graphql-core itself
    (retries back off with jitter); GraphQL leaves that order unspecified.
    """
    a, b = orjson.loads(planned), orjson.loads(plain)
    if orjson.dumps(a.get("data")) != orjson.dumps(b.get("data")):
        return False
    errors_a, errors_b = a.get("errors") or [], b.get("errors") or []
    return sorted(map(orjson.dumps, errors_a)) == sorted(map(orjson.dumps, errors_b))


async def assert_same(
    gateway: Gateway, query: str, variables: dict[str, Any] | None = None, *, token: str | None
) -> bytes:
    """Both paths answer the same bytes (up to the order of concurrent errors); that answer."""
    planned, plain = await both_ways(gateway, query, variables, token)
    assert planned == plain or same_but_error_order(planned, plain), (
        f"{query}\nplanned: {planned[:2000]!r}\nplain:   {plain[:2000]!r}"
    )
    return planned


async def seed(gateway: Gateway, token: str) -> None:
    """Tags, events over one and several days, diary entries with tags."""
    work = await make_tag(gateway, token, name="work")
    home = await make_tag(gateway, token, name="가족")
    await make_event(gateway, token, title="Standup", tagIds=[work["id"]])
    await make_event(
        gateway,
        token,
        title="Trip",
        location="부산",
        startsAt="2026-03-09T22:00:00+00:00",
        endsAt="2026-03-12T08:00:00+00:00",
        tagIds=[work["id"], home["id"]],
    )
    await make_event(gateway, token, title="Holiday", allDay=True, description="all day")
    await make_entry(gateway, token, title="Good day", mood="JOYFUL", tagIds=[home["id"]])
    await make_entry(gateway, token, date="2026-03-11", weather="RAINY", tagIds=[work["id"]])


def generated_queries(settings: GatewaySettings) -> list[str]:
    """Valid queries drawn from the served schema (bounded, the same ones every run)."""
    schema = graphql.build_schema(str(build_schema(settings)))
    custom_scalars = {
        "Date": st.sampled_from(DATES).map(nodes.String),
        "DateTime": st.sampled_from(DATE_TIMES).map(nodes.String),
        "Upload": st.just(graphql.NullValueNode()),
    }
    drawn: list[str] = []

    @EXAMPLES
    @hypothesis.given(query=queries(schema, custom_scalars=custom_scalars, allow_x00=False))
    def draw(query: str) -> None:
        drawn.append(query)

    draw()
    return drawn


async def test_generated_queries_answer_the_same_bytes_both_ways(
    gateway: Gateway, token: str, gateway_settings: GatewaySettings
) -> None:
    await seed(gateway, token)
    drawn = generated_queries(gateway_settings)
    assert len(drawn) >= 50
    answers = [await assert_same(gateway, query, token=token) for query in drawn]
    # The comparison means something: most answers carry data, and plans were used.
    assert sum(b'"data":{' in answer for answer in answers) > len(answers) // 2
    assert planned_operations(plan_switch(gateway)) > len(drawn) // 2


async def test_the_bench_operations_answer_the_same_bytes(gateway: Gateway, token: str) -> None:
    await seed(gateway, token)
    operations = [
        '{ event(id: "2") { id title startsAt endsAt allDay tags { id name color } } }',
        "{ events(first: 50) { totalCount pageInfo { hasNextPage endCursor }"
        " edges { cursor node { id title location startsAt tags { name } } } } }",
        '{ days(from: "2026-03-01", to: "2026-03-31") { date events { id title }'
        " diaryEntries { id title mood } } }",
        "{ diaryEntries(first: 50) { edges { node { id date title content mood weather"
        " tags { id name } events { id title diaryEntries { id } } } } } }",
    ]
    for query in operations:
        answer = await assert_same(gateway, query, token=token)
        assert b'"errors"' not in answer, answer
