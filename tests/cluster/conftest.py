"""One real cluster for this package's tests: nginx with TLS, two replicas of each process,
PostgreSQL and Redis, started by `python -m cluster up` exactly as `make cluster` starts it.
Its Redis is a redis-server of its own, which a test may stop and start again."""

from __future__ import annotations

import os
import random
import secrets
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cluster.lifecycle import drop_databases
from cluster.topology import ClusterSettings, Topology
from scripts.ports import free_port, port_is_free
from scripts.processes import REPO_ROOT
from tests.cluster.dedicated_redis import DedicatedRedis
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Long enough that an answer kept by one read is still there for the reads right after it on a
# loaded machine (the hit tests read it two or three times in a row); short enough that the TTL
# test waits only for that long.
RESPONSE_CACHE_TTL_S = 10
# Production settings, except limits a load test would hit; the per-email sign-in limit is low
# so the cross-replica test reaches it quickly.
SETTINGS = {
    "FC_ENVIRONMENT": "production",
    "FC_DRAIN_DELAY_S": "0.5",
    "GATEWAY_RATE_LIMIT_PER_CLIENT": "1000000/minute",
    "GATEWAY_RATE_LIMIT_SIGN_IN_PER_IP": "100000/minute",
    "GATEWAY_RATE_LIMIT_SIGN_IN_PER_EMAIL": "6/hour",
    "GATEWAY_RESPONSE_CACHE_TTL_S": str(RESPONSE_CACHE_TTL_S),
}


@dataclass(frozen=True)
class RunningCluster:
    """A started cluster: where it listens, how to trust its certificate, how to command it."""

    topology: Topology
    env: dict[str, str]
    redis: DedicatedRedis

    @property
    def url(self) -> str:
        """The public GraphQL endpoint (HTTPS through nginx)."""
        return f"{self.topology.public_url}/graphql"

    @property
    def ca(self) -> Path:
        """The local CA that signed nginx's certificate."""
        return self.topology.state_dir / "tls" / "ca.pem"

    def gateway_url(self, index: int) -> str:
        """One gateway replica's own endpoint (plain HTTP on loopback, bypassing nginx)."""
        return f"{self.topology.internal_url(self.topology.of_kind('gateway')[index].port)}/graphql"

    def command(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `python -m cluster ARGS` against this cluster; fail the test if it fails."""
        done = subprocess.run(
            [sys.executable, "-m", "cluster", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0 or not check, done.stdout + done.stderr
        return done


def _free_block(size: int) -> int:
    """The first port of `size` consecutive ports that are all free now."""
    for _ in range(200):
        # Below the ephemeral range (32768+), where outgoing connections take their ports.
        first = random.randrange(20_000, 32_000 - size)
        if all(port_is_free("127.0.0.1", port) for port in range(first, first + size)):
            return first
    raise RuntimeError("no block of free ports")


# Package scope: the cluster stops when tests/cluster is done, not when the whole run is.
@pytest.fixture(scope="package")
def running_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    """Start its Redis and the cluster once; stop both and drop its databases at the end."""
    redis_server = DedicatedRedis(free_port(), tmp_path_factory.mktemp("redis"))
    redis_server.start()
    try:
        yield from _cluster_on(redis_server, tmp_path_factory)
    finally:
        redis_server.stop()


def _cluster_on(
    redis_server: DedicatedRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningCluster]:
    """The cluster up on `redis_server` while the caller runs; down, databases dropped, after."""
    first = _free_block(110)
    prefix = f"fc_cluster_test_{secrets.token_hex(4)}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FC_", "GATEWAY_"))},
        **SETTINGS,
        "CLUSTER_STATE_DIR": str(tmp_path_factory.mktemp("cluster")),
        "CLUSTER_HTTPS_PORT": str(first + 100),
        "CLUSTER_HTTP_PORT": str(first + 101),
        "CLUSTER_FIRST_INTERNAL_PORT": str(first),
        "CLUSTER_DATABASE_PREFIX": prefix,
        "CLUSTER_POSTGRES_URL": POSTGRES_URL,
        "CLUSTER_REDIS_URL": redis_server.url,
    }
    topology = Topology.plan(ClusterSettings.model_validate(_settings(env)))
    cluster = RunningCluster(topology, env, redis_server)
    try:
        cluster.command("up")
        yield cluster
    finally:
        subprocess.run(
            [sys.executable, "-m", "cluster", "down"], cwd=REPO_ROOT, env=env, check=False
        )
        drop_databases(cluster.topology)


def _settings(env: dict[str, str]) -> dict[str, str]:
    """The CLUSTER_* variables as ClusterSettings' field names."""
    return {
        k.removeprefix("CLUSTER_").lower(): v for k, v in env.items() if k.startswith("CLUSTER_")
    }


@pytest.fixture
async def https(running_cluster: RunningCluster) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTPS client that trusts only the cluster's CA (verification on)."""
    trust = ssl.create_default_context(cafile=str(running_cluster.ca))
    async with httpx.AsyncClient(verify=trust, timeout=30.0) as client:
        yield client


@pytest.fixture
async def public(running_cluster: RunningCluster, https: httpx.AsyncClient) -> GraphQLClient:
    """GraphQL through nginx, over HTTPS."""
    return GraphQLClient(https, running_cluster.url)


@pytest.fixture
async def replica_clients(
    running_cluster: RunningCluster,
) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient]]:
    """GraphQL to gateway-0 and to gateway-1 directly, to prove what they share."""
    async with httpx.AsyncClient(timeout=30.0) as http:
        yield (
            GraphQLClient(http, running_cluster.gateway_url(0)),
            GraphQLClient(http, running_cluster.gateway_url(1)),
        )


@pytest.fixture
async def user(public: GraphQLClient) -> LiveUser:
    """A fresh account, signed up through the cluster."""
    return await sign_up(public)
