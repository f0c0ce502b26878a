"""What one process used to keep to itself is shared by every replica (two gateways, one Redis,
one PostgreSQL): persisted queries, idempotency keys, session revocations and rate limits."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time

from tests.cluster.conftest import RunningCluster
from tests.support.graphql_client import GraphQLClient, LiveUser

ME = "{ me { id email } }"
CREATE = """mutation($t: String!) { createEvent(input: {title: $t,
  startsAt: "2026-12-24T18:00:00+09:00", endsAt: "2026-12-24T20:00:00+09:00"}) { id title } }"""
COUNT = "{ events(first: 1) { totalCount } }"
LOG_IN = "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }"


async def test_a_persisted_query_registered_on_one_gateway_runs_on_the_other(
    replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    first, second = replica_clients
    query = f"{{ me {{ id }} }} # {secrets.token_hex(8)}"  # a document no replica has seen
    digest = hashlib.sha256(query.encode()).hexdigest()
    unknown = await second.persisted(user.token, None, digest)
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await first.persisted(user.token, query, digest)
    assert registered["data"]["me"]["id"] == user.id
    by_hash = await second.persisted(user.token, None, digest)
    assert by_hash.get("errors") is None, by_hash
    assert by_hash["data"]["me"]["id"] == user.id


async def test_an_idempotency_key_is_honoured_across_gateways(
    replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    first, second = replica_clients
    key = {"Idempotency-Key": secrets.token_hex(16)}
    variables = {"t": "성탄 전야"}
    one = (await first.execute(CREATE, variables, token=user.token, headers=key)).ok()
    again = (await second.execute(CREATE, variables, token=user.token, headers=key)).ok()
    assert again == one
    assert (await first.execute(COUNT, token=user.token)).ok()["events"]["totalCount"] == 1
    changed = await second.execute(CREATE, {"t": "different"}, token=user.token, headers=key)
    assert changed.error_codes == ["BAD_USER_INPUT"]


async def test_a_logout_on_one_gateway_is_seen_by_the_other_within_a_second(
    replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    first, second = replica_clients
    assert (await second.execute(ME, token=user.token)).ok()["me"]["id"] == user.id  # cached
    assert (await first.execute("mutation { logOut }", token=user.token)).ok()["logOut"] is True
    logged_out_at = time.monotonic()
    while (await second.execute(ME, token=user.token)).error_codes != ["UNAUTHENTICATED"]:
        assert time.monotonic() - logged_out_at < 1.5, "the other gateway still accepts the token"
        await asyncio.sleep(0.05)


async def test_a_rate_limit_counts_requests_to_every_gateway(
    replica_clients: tuple[GraphQLClient, GraphQLClient], user: LiveUser
) -> None:
    # GATEWAY_RATE_LIMIT_SIGN_IN_PER_EMAIL is 6/hour here; signing up was the first.
    variables = {"e": user.email, "p": "not the password"}
    codes = []
    for attempt in range(6):
        client = replica_clients[attempt % 2]
        codes.append((await client.execute(LOG_IN, variables)).error_codes)
    assert codes[:5] == [["UNAUTHENTICATED"]] * 5
    assert codes[5] == ["RATE_LIMITED"]


def test_one_diary_replica_sweeps_the_shared_image_store(running_cluster: RunningCluster) -> None:
    logs = running_cluster.topology.state_dir / "logs"
    assert "image sweep done" in (logs / "diary-0.log").read_text()
    assert "image sweep done" not in (logs / "diary-1.log").read_text()
