"""The gateway's label bounds (operation names capped, route templates), upstream counts."""

from __future__ import annotations

import httpx
from prometheus_client import REGISTRY

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.resilience import RetryPolicy
from graph_gateway.observability.metrics import OTHER, BoundedLabels, route_template


def test_names_past_the_cap_share_one_label() -> None:
    names = BoundedLabels(3)
    assert [names(n) for n in ("A", "B", "A", "C", "D", "E", "B")] == [
        "A", "B", "A", "C", OTHER, OTHER, "B",
    ]  # fmt: skip


def test_ids_in_service_paths_become_placeholders() -> None:
    assert route_template("/events/12") == "/events/{id}"
    assert route_template("/entries/7/images") == "/entries/{id}/images"
    assert route_template("/events/overlapping") == "/events/overlapping"
    assert route_template("/tags/3?x=1") == "/tags/{id}"
    assert route_template("/v2x/99abc") == "/v2x/99abc"


def _as_sent(raw: dict[str, int]) -> dict[str, int]:
    return raw


async def test_upstream_calls_and_their_retries_are_counted() -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, json={"id": 1})])
    transport = httpx.MockTransport(lambda request: next(answers))  # a 503 is hard to cause
    async with httpx.AsyncClient(base_url="http://calendar", transport=transport) as http:
        upstream = Upstream(
            name="retry-test",
            http=http,
            internal_token="t",
            retry=RetryPolicy(attempts=3, base_delay_s=0.001),
        )
        answer = await upstream.call("GET", "/tags/7", user_id=1, parse=_as_sent, idempotent=True)
        assert answer == {"id": 1}
    labels = {"service": "retry-test", "route": "/tags/{id}", "status": "200"}
    assert REGISTRY.get_sample_value("fc_upstream_retries_total", {"service": "retry-test"}) == 1
    assert REGISTRY.get_sample_value("fc_upstream_request_duration_seconds_count", labels) == 1
