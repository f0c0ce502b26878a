"""Each process's metrics port, read directly and through a real Prometheus with our alerts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scripts.status_probe import Samples, parse_metrics, total
from tests.e2e.observability.month import month_view, seed_month
from tests.e2e.observability.prometheus import prometheus_config, running_prometheus
from tests.support.graphql_client import GraphQLClient, sign_up
from tests.support.live_stack import LiveStack, graphql_client

pytestmark = pytest.mark.e2e


@pytest.fixture
async def client(stack: LiveStack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client for this module's stack."""
    async with graphql_client(stack) as client:
        yield client


def scrape(url: str) -> Samples:
    """One scrape, parsed."""
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return parse_metrics(answer.text)


def labels_of(samples: Samples, name: str, label: str) -> set[str]:
    """The values a label takes on a metric."""
    return {labels[label] for labels, _ in samples.get(name, []) if label in labels}


def test_every_process_serves_metrics_on_its_own_port_only(stack: LiveStack) -> None:
    for process in stack.processes:
        assert httpx.get(f"{process.url}/metrics").status_code == 404
        samples = scrape(process.metrics_url)
        for name in (
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_open_fds",
            "python_gc_collections_total",
            "fc_build_info",
            "fc_readiness_status",
            "fc_database_size_bytes",
            "fc_db_pool_connections",
            "fc_data_disk_free_bytes",
            "fc_db_statement_duration_seconds_count",
        ):
            assert name in samples, (process.name, name)
        ((build, _),) = samples["fc_build_info"]
        assert build["service"] == process.module and build["version"] and build["commit"]
        assert total(samples, "fc_database_size_bytes")


async def test_a_month_view_shows_in_the_gateway_and_service_metrics(
    stack: LiveStack, client: GraphQLClient
) -> None:
    user = await sign_up(client)
    await seed_month(client, user)
    before = scrape(stack.gateway.metrics_url)
    month_before = total(
        before, "fc_graphql_operation_duration_seconds_count", operation_name="Month"
    )
    (await month_view(client, user)).ok()
    gateway = scrape(stack.gateway.metrics_url)

    assert (
        total(
            gateway,
            "fc_graphql_operation_duration_seconds_count",
            operation_name="Month",
            operation_type="query",
            outcome="success",
        )
        == (month_before or 0) + 1
    )
    assert labels_of(gateway, "fc_graphql_phase_duration_seconds_count", "phase") >= {
        "parse",
        "validate",
        "execute",
    }
    assert total(gateway, "http_server_request_duration_seconds_count", route="/graphql")
    upstream_routes = labels_of(gateway, "fc_upstream_request_duration_seconds_count", "route")
    assert {"/events/overlapping", "/entries/by-date-range"} <= upstream_routes
    assert labels_of(gateway, "fc_upstream_breaker_state", "service") == {"calendar", "diary"}
    assert total(gateway, "fc_upstream_breaker_state", state="closed") == 2
    assert total(gateway, "fc_graphql_document_cache_total", result="miss")

    calendar = scrape(stack.calendar.metrics_url)
    routes = labels_of(calendar, "http_server_request_duration_seconds_count", "route")
    assert "/events/overlapping" in routes
    assert all("{" in r or not any(c.isdigit() for c in r) for r in routes), routes
    statements = labels_of(calendar, "fc_db_statement_duration_seconds_count", "statement")
    assert "SELECT event" in statements and "INSERT event" in statements

    diary = scrape(stack.diary.metrics_url)
    assert "fc_diary_image_store_bytes" in diary


async def test_errors_are_counted_by_code(stack: LiveStack, client: GraphQLClient) -> None:
    def count(code: str) -> float:
        return total(scrape(stack.gateway.metrics_url), "fc_graphql_errors_total", code=code) or 0

    unauthenticated = count("UNAUTHENTICATED")
    assert (await client.execute("query Who { tags { id } }")).error_codes == ["UNAUTHENTICATED"]
    assert count("UNAUTHENTICATED") == unauthenticated + 1
    too_deep = "{ " + "tags { events { edges { node { " * 4 + "id" + " } } } }" * 4 + " }"
    await client.execute(too_deep)
    gateway = scrape(stack.gateway.metrics_url)
    assert total(gateway, "fc_graphql_query_limit_refusals_total", limit="depth")


def test_prometheus_scrapes_the_stack_and_fires_process_down(
    stack: LiveStack, tmp_path: Path
) -> None:
    config = prometheus_config(stack, tmp_path, fast_alerts=("ProcessDown",))
    with running_prometheus(config, tmp_path) as prometheus:
        up = prometheus.wait_for('sum(up{job=~"gateway|calendar|diary"}) == 3')
        assert up
        httpx.post(stack.graphql_url, json={"query": "query Probe { __typename }"}, timeout=10)
        series = prometheus.wait_for(
            'fc_graphql_operation_duration_seconds_count{job="gateway", operation_name="Probe"}'
        )
        assert series[0]["metric"]["operation_type"] == "query"
        assert prometheus.wait_for('fc_readiness_status{job="calendar", check="database"} == 0')
        assert not [a for a in prometheus.alerts() if a["labels"]["alertname"] == "ProcessDown"]

        stack.calendar.stop()
        firing = prometheus.wait_for('ALERTS{alertname="ProcessDown", alertstate="firing"}')
        assert {alert["metric"]["job"] for alert in firing} == {"calendar"}
        # The gateway notices too: its readiness check of the calendar is down (2).
        assert prometheus.wait_for('fc_readiness_status{job="gateway", check="calendar"} == 2')


def test_the_backup_age_gauge_reads_the_last_success_record(stack: LiveStack) -> None:
    name = "fc_backup_last_success_timestamp_seconds"
    assert name not in scrape(stack.gateway.metrics_url)  # no backup yet: no sample
    root = Path(stack.env["FC_BACKUP_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    record = {"finished_at": "2026-11-30T03:00:00Z", "backup_dir": str(root / "x")}
    (root / "last-success.json").write_text(json.dumps(record))
    assert (
        total(scrape(stack.gateway.metrics_url), name)
        == datetime(2026, 11, 30, 3, tzinfo=UTC).timestamp()
    )
    (root / "last-success.json").write_text("{not json")
    assert name not in scrape(stack.gateway.metrics_url)


async def test_invented_operation_names_share_one_series_past_the_cap(
    stack: LiveStack, client: GraphQLClient
) -> None:
    # Last in this module: past the cap, the names other tests send read as `other` too.
    for index in range(230):
        await client.execute(f"query Invented{index} {{ __typename }}")
    gateway = scrape(stack.gateway.metrics_url)
    names = labels_of(gateway, "fc_graphql_operation_duration_seconds_count", "operation_name")
    # 200 names a client chose; past them `other`, beside the fixed `anonymous` and `unknown`.
    assert len(names - {"other", "anonymous", "unknown"}) == 200
    assert "other" in names
    assert total(gateway, "fc_graphql_operation_duration_seconds_count", operation_name="other")
