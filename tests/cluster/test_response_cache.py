"""The response cache on the cluster: two gateways, one Redis. A hit on one replica is counted
in its metrics; a mutation on the other replica is seen by the very next read."""

from __future__ import annotations

from tests.cluster.conftest import RunningCluster
from tests.cluster.response_cache_support import CREATE, DELETE, UPDATE, lookups, titles
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up


async def test_a_hit_then_a_mutation_on_the_other_replica_shows_on_the_next_read(
    running_cluster: RunningCluster,
    replica_clients: tuple[GraphQLClient, GraphQLClient],
    user: LiveUser,
) -> None:
    first, second = replica_clients
    assert await titles(first, user.token) == []  # a miss, kept
    hits = lookups(running_cluster, 0, "hit")
    assert await titles(first, user.token) == []
    assert lookups(running_cluster, 0, "hit") == hits + 1
    # The answer gateway-0 kept is in the shared Redis: gateway-1 finds it too.
    other_hits = lookups(running_cluster, 1, "hit")
    assert await titles(second, user.token) == []
    assert lookups(running_cluster, 1, "hit") == other_hits + 1

    created = (await second.execute(CREATE, {"t": "성탄 전야"}, token=user.token)).ok()
    event_id = created["createEvent"]["id"]
    assert await titles(first, user.token) == ["성탄 전야"]
    assert await titles(first, user.token) == ["성탄 전야"]  # kept again

    (await second.execute(UPDATE, {"id": event_id, "t": "renamed"}, token=user.token)).ok()
    assert await titles(first, user.token) == ["renamed"]

    (await second.execute(DELETE, {"id": event_id}, token=user.token)).ok()
    assert await titles(first, user.token) == []


async def test_two_users_with_the_same_document_see_only_their_own(
    public: GraphQLClient, replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    first, second = replica_clients
    other = await sign_up(public)
    (await first.execute(CREATE, {"t": "mine"}, token=user.token)).ok()
    (await second.execute(CREATE, {"t": "theirs"}, token=other.token)).ok()
    for _ in range(2):
        for client in (first, second):
            assert await titles(client, user.token) == ["mine"]
            assert await titles(client, other.token) == ["theirs"]
