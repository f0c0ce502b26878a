"""The response cache on the cluster: two gateways, one Redis. A hit on one replica is counted
in its metrics; a mutation on the other replica is seen by the very next read."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.cluster.conftest import RunningCluster
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up

MONTH = """query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to) { date events { id title } }
}"""
DECEMBER = {"from": "2026-12-01", "to": "2026-12-31"}
CREATE = """mutation($t: String!) { createEvent(input: {title: $t,
  startsAt: "2026-12-24T18:00:00Z", endsAt: "2026-12-24T20:00:00Z"}) { id title } }"""
UPDATE = "mutation($id: ID!, $t: String!) { updateEvent(id: $id, input: {title: $t}) { id } }"
DELETE = "mutation($id: ID!) { deleteEvent(id: $id) }"


def _hits(cluster: RunningCluster, index: int) -> float:
    """Gateway `index`'s count of response cache hits (its metrics port alternates by restart)."""
    slot = cluster.topology.of_kind("gateway")[index]
    for port in slot.metrics_ports:
        try:
            text = httpx.get(cluster.topology.internal_url(port) + "/metrics", timeout=10).text
        except httpx.TransportError:
            continue
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "fc_response_cache_requests_total" and sample.labels == {
                    "result": "hit"
                }:
                    return sample.value
        return 0.0
    raise AssertionError(f"gateway-{index} serves no metrics")


async def _titles(client: GraphQLClient, token: str) -> list[str]:
    data = (await client.execute(MONTH, DECEMBER, token=token)).ok()
    return [event["title"] for day in data["days"] for event in day["events"]]


async def test_a_hit_then_a_mutation_on_the_other_replica_shows_on_the_next_read(
    running_cluster: RunningCluster,
    replica_clients: tuple[GraphQLClient, GraphQLClient],
    user: LiveUser,
) -> None:
    first, second = replica_clients
    assert await _titles(first, user.token) == []  # a miss, kept
    hits = _hits(running_cluster, 0)
    assert await _titles(first, user.token) == []
    assert _hits(running_cluster, 0) == hits + 1
    # The answer gateway-0 kept is in the shared Redis: gateway-1 finds it too.
    other_hits = _hits(running_cluster, 1)
    assert await _titles(second, user.token) == []
    assert _hits(running_cluster, 1) == other_hits + 1

    created = (await second.execute(CREATE, {"t": "성탄 전야"}, token=user.token)).ok()
    event_id = created["createEvent"]["id"]
    assert await _titles(first, user.token) == ["성탄 전야"]
    assert await _titles(first, user.token) == ["성탄 전야"]  # kept again

    (await second.execute(UPDATE, {"id": event_id, "t": "renamed"}, token=user.token)).ok()
    assert await _titles(first, user.token) == ["renamed"]

    (await second.execute(DELETE, {"id": event_id}, token=user.token)).ok()
    assert await _titles(first, user.token) == []


async def test_two_users_with_the_same_document_see_only_their_own(
    public: GraphQLClient, replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    first, second = replica_clients
    other = await sign_up(public)
    (await first.execute(CREATE, {"t": "mine"}, token=user.token)).ok()
    (await second.execute(CREATE, {"t": "theirs"}, token=other.token)).ok()
    for _ in range(2):
        for client in (first, second):
            assert await _titles(client, user.token) == ["mine"]
            assert await _titles(client, other.token) == ["theirs"]
