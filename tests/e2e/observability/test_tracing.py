"""One month-view query with a `traceparent` is one trace across all three processes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import DatabaseSet
from tests.e2e.observability.month import month_view, seed_month
from tests.e2e.observability.otlp import ReceivedSpan, Receiver, otlp_receiver
from tests.support.graphql_client import sign_up
from tests.support.live_stack import LiveStack, graphql_client, running_stack

pytestmark = pytest.mark.e2e

SERVER, CLIENT = 2, 3  # opentelemetry.proto SpanKind values


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """The OTLP/HTTP receiver the stack exports to."""
    with otlp_receiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def traced_stack(
    receiver: Receiver, tmp_path_factory: pytest.TempPathFactory, make_databases: DatabaseSet
) -> Iterator[LiveStack]:
    """A stack exporting its spans to the receiver, in batches every 100 ms."""
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    workdir = tmp_path_factory.mktemp("traced")
    with running_stack(workdir, make_databases("traced"), extra_env=env) as stack:
        yield stack


def ancestors(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> list[ReceivedSpan]:
    """The span's parents up to the trace's root (within what was received)."""
    chain = []
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        chain.append(span)
    return chain


async def test_a_month_view_is_one_trace_across_the_three_processes(
    traced_stack: LiveStack, receiver: Receiver
) -> None:
    async with graphql_client(traced_stack) as client:
        user = await sign_up(client)
        await seed_month(client, user)
        trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
        traceparent = f"00-{trace_id}-{caller_span}-01"
        (await month_view(client, user, headers={"traceparent": traceparent})).ok()

    def complete(spans: list[ReceivedSpan]) -> bool:
        ours = [s for s in spans if s.trace_id == trace_id]
        services = {s.service for s in ours if s.kind == SERVER}
        sql = {s.service for s in ours if "db.statement" in s.attributes}
        return services >= {"graph_gateway", "calendar_svc", "diary_svc"} and sql >= {
            "calendar_svc",
            "diary_svc",
        }

    spans = [s for s in receiver.wait_for(complete) if s.trace_id == trace_id]
    by_id = {s.span_id: s for s in spans}

    (gateway_server,) = [s for s in spans if s.service == "graph_gateway" and s.kind == SERVER]
    assert gateway_server.parent_id == caller_span  # the caller's traceparent was continued
    (operation,) = [s for s in spans if s.name == "query Month"]
    assert operation.attributes["graphql.operation.name"] == "Month"
    assert gateway_server in ancestors(operation, by_id)
    phases = {s.name: s for s in spans if s.name.startswith("graphql.")}
    assert set(phases) >= {"graphql.parse", "graphql.validate", "graphql.execute"}
    assert all(phase.parent_id == operation.span_id for phase in phases.values())

    loaders = {s.name: s for s in spans if s.name.startswith("loader ")}
    assert {"loader events_overlapping", "loader entries_by_date_range"} <= set(loaders)
    for batch in loaders.values():
        assert phases["graphql.execute"] in ancestors(batch, by_id), batch.name

    for service, loader in (
        ("calendar_svc", "loader events_overlapping"),
        ("diary_svc", "loader entries_by_date_range"),
    ):
        servers = [s for s in spans if s.service == service and s.kind == SERVER]
        assert servers, service
        for server in servers:
            caller = by_id[server.parent_id]
            assert caller.service == "graph_gateway" and caller.kind == CLIENT
            assert operation in ancestors(server, by_id)
        assert any(loaders[loader] in ancestors(server, by_id) for server in servers)
        statements = [s for s in spans if s.service == service and "db.statement" in s.attributes]
        assert statements, service
        for statement in statements:
            assert any(server in ancestors(statement, by_id) for server in servers)


def test_log_lines_carry_the_trace_id(traced_stack: LiveStack, receiver: Receiver) -> None:
    receiver.wait_for(lambda spans: any(s.service == "calendar_svc" for s in spans))
    for process in traced_stack.processes:
        requests = [r for r in process.log_records() if r.get("event") == "request"]
        assert requests, process.name
        assert all(len(r.get("trace_id", "")) == 32 for r in requests), process.name
        assert all(len(r.get("span_id", "")) == 16 for r in requests), process.name
