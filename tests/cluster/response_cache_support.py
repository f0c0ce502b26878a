"""What the cluster's response cache tests share: the month view, event mutations, and each
gateway's response cache counters read from its metrics port."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.cluster.conftest import RunningCluster
from tests.support.graphql_client import GraphQLClient

MONTH = """query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to) { date events { id title } }
}"""
DECEMBER = {"from": "2026-12-01", "to": "2026-12-31"}
CREATE = """mutation($t: String!) { createEvent(input: {title: $t,
  startsAt: "2026-12-24T18:00:00Z", endsAt: "2026-12-24T20:00:00Z"}) { id title } }"""
UPDATE = "mutation($id: ID!, $t: String!) { updateEvent(id: $id, input: {title: $t}) { id } }"
DELETE = "mutation($id: ID!) { deleteEvent(id: $id) }"


def counted(cluster: RunningCluster, index: int, name: str, **labels: str) -> float:
    """Gateway `index`'s sample `name{labels}`, 0 if it has none yet (its metrics port
    alternates by restart)."""
    slot = cluster.topology.of_kind("gateway")[index]
    for port in slot.metrics_ports:
        try:
            text = httpx.get(cluster.topology.internal_url(port) + "/metrics", timeout=10).text
        except httpx.TransportError:
            continue
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return sample.value
        return 0.0
    raise AssertionError(f"gateway-{index} serves no metrics")


def lookups(cluster: RunningCluster, index: int, result: str) -> float:
    """Gateway `index`'s count of requests the response cache saw as `result` (hit, miss, …)."""
    return counted(cluster, index, "fc_response_cache_requests_total", result=result)


async def titles(client: GraphQLClient, token: str) -> list[str]:
    """The titles of the user's December events, as the month view answers them."""
    data = (await client.execute(MONTH, DECEMBER, token=token)).ok()
    return [event["title"] for day in data["days"] for event in day["events"]]
