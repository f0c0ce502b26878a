"""The response cache's edges on the cluster: an answer expires after the cluster's TTL, and the
cluster's Redis stopped is a bypass on both gateways (nothing fails) until it is back."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time

import redis

from graph_gateway.response_cache.store import COOL_DOWN_S
from tests.cluster.conftest import RESPONSE_CACHE_TTL_S, RunningCluster
from tests.cluster.response_cache_support import CREATE, counted, lookups, titles
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up

LOG_IN = "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }"
INVALIDATIONS = "fc_response_cache_invalidations_total"


def _answer_keys(cluster: RunningCluster, user: LiveUser) -> list[bytes]:
    """The keys of the answers kept for `user` in the cluster's Redis."""
    with redis.Redis.from_url(cluster.redis.url) as client:
        return list(client.scan_iter(match=f"fc:rc:{{u{user.id}}}:r:*"))


async def test_an_answer_expires_after_the_ttl_then_is_read_and_kept_afresh(
    running_cluster: RunningCluster,
    replica_clients: tuple[GraphQLClient, GraphQLClient],
    user: LiveUser,
) -> None:
    first, _ = replica_clients
    (await first.execute(CREATE, {"t": "동지"}, token=user.token)).ok()
    hits, misses = (lookups(running_cluster, 0, result) for result in ("hit", "miss"))
    assert await titles(first, user.token) == ["동지"]
    kept_before = time.monotonic()  # the answer was stored before its response came back
    assert lookups(running_cluster, 0, "miss") == misses + 1
    [key] = _answer_keys(running_cluster, user)
    with redis.Redis.from_url(running_cluster.redis.url) as client:
        assert 0 < client.pttl(key) <= RESPONSE_CACHE_TTL_S * 1000
    assert await titles(first, user.token) == ["동지"]
    assert lookups(running_cluster, 0, "hit") == hits + 1

    # Past the TTL (a second to spare): the answer is gone, read again and kept again.
    await asyncio.sleep(kept_before + RESPONSE_CACHE_TTL_S + 1 - time.monotonic())
    assert _answer_keys(running_cluster, user) == []
    assert await titles(first, user.token) == ["동지"]
    assert lookups(running_cluster, 0, "hit") == hits + 1
    assert lookups(running_cluster, 0, "miss") == misses + 2
    assert await titles(first, user.token) == ["동지"]
    assert lookups(running_cluster, 0, "hit") == hits + 2


async def _rate_limits_and_persisted_queries_fail_open(
    public: GraphQLClient, replicas: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    """With Redis down: sign-in limits let everything through (6 more attempts for an email
    allowed 6 an hour, signing up was one), signing up works, and a persisted query is kept
    by the gateway that learned it (the other asks for the document, as the protocol says)."""
    variables = {"e": user.email, "p": "not the password"}
    for attempt in range(6):
        codes = (await replicas[attempt % 2].execute(LOG_IN, variables)).error_codes
        assert codes == ["UNAUTHENTICATED"], codes
    await sign_up(public)
    query = f"{{ me {{ id }} }} # {secrets.token_hex(8)}"
    digest = hashlib.sha256(query.encode()).hexdigest()
    first, second = replicas
    answers = [
        await first.persisted(user.token, query, digest),
        await first.persisted(user.token, None, digest),
    ]
    unknown = await second.persisted(user.token, None, digest)
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    answers.append(await second.persisted(user.token, query, digest))
    for answer in answers:
        assert answer.get("errors") is None, answer
        assert answer["data"]["me"]["id"] == user.id


async def test_redis_down_is_a_bypass_then_the_cache_works_again(
    running_cluster: RunningCluster,
    public: GraphQLClient,
    replica_clients: tuple[GraphQLClient, GraphQLClient],
    user: LiveUser,
) -> None:
    """Reads, a mutation, sign-ins and persisted queries all succeed while the cluster's Redis
    is down; each read bypasses the cache (counted as `unavailable`).

    The mutation made during the outage could not bump the user's generations, so the answer
    kept before the outage would be found again under the same key, and served stale until its
    TTL ended, by a Redis that kept its data. This Redis has no snapshot and no append-only
    file (`--save ""`, `--appendonly no`): it comes back empty, so the first read after it is a
    miss that shows the mutation, and the next read a hit.
    """
    cluster = running_cluster
    first, second = replica_clients
    (await first.execute(CREATE, {"t": "before"}, token=user.token)).ok()
    assert await titles(first, user.token) == ["before"]  # a miss, kept
    assert await titles(second, user.token) == ["before"]  # a hit
    assert len(_answer_keys(cluster, user)) == 1
    unavailable = sum(lookups(cluster, index, "unavailable") for index in (0, 1))
    failed = counted(cluster, 1, INVALIDATIONS, result="failed")

    cluster.redis.stop()
    try:
        for client in (first, second, public):
            assert await titles(client, user.token) == ["before"]
        assert sum(lookups(cluster, index, "unavailable") for index in (0, 1)) == unavailable + 3
        (await second.execute(CREATE, {"t": "during"}, token=user.token)).ok()
        assert counted(cluster, 1, INVALIDATIONS, result="failed") == failed + 1
        for client in (first, second, public):
            assert sorted(await titles(client, user.token)) == ["before", "during"]
        assert sum(lookups(cluster, index, "unavailable") for index in (0, 1)) == unavailable + 6
        await _rate_limits_and_persisted_queries_fail_open(public, replica_clients, user)
    finally:
        cluster.redis.start()  # whatever failed: the tests after this one need it

    with redis.Redis.from_url(cluster.redis.url) as client:
        assert client.dbsize() == 0  # the answer kept before the outage went with it
    await asyncio.sleep(COOL_DOWN_S)  # the gateways' wait after their last failure
    hits, misses = (lookups(cluster, 0, result) for result in ("hit", "miss"))
    other_hits = lookups(cluster, 1, "hit")
    assert sorted(await titles(first, user.token)) == ["before", "during"]
    assert lookups(cluster, 0, "miss") == misses + 1
    assert sorted(await titles(second, user.token)) == ["before", "during"]
    assert lookups(cluster, 1, "hit") == other_hits + 1
    assert sorted(await titles(first, user.token)) == ["before", "during"]
    assert lookups(cluster, 0, "hit") == hits + 1
