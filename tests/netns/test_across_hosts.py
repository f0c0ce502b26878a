"""The system with each process on its own host (network namespaces), 2 ms between hosts.

The month view must still take one call to each service, whatever the latency; the latency
must really be there (every figure below is a lower bound the network imposes, so a loaded
machine cannot make these assertions fail, only slower).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict

import pytest

from cluster.across_hosts import GATEWAY_PORT, HOST_NAMES, SystemAcrossHosts, system_across_hosts
from cluster.hosts import can_make_hosts, hosts
from cluster.latency_report import Figures, measure, seed_month
from scripts.processes import REPO_ROOT

ADDED_MS = 2.0
REQUESTS = 40
ROUND_TRIP_MS = 2 * ADDED_MS  # each way pays the delay once


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SystemAcrossHosts, str]]:
    """The system across hosts with a seeded month; no latency added yet."""
    if (reason := can_make_hosts()) is not None:
        pytest.fail(f"the across-hosts test cannot run here: {reason}")
    workdir = tmp_path_factory.mktemp("hosts")
    with hosts(HOST_NAMES) as made, system_across_hosts(made, workdir) as started:
        yield started, seed_month(started.gateway_url)


def _connect_ms(system: SystemAcrossHosts) -> list[float]:
    """TCP connection times from the client host to the gateway, in milliseconds."""
    address = (system.hosts["gateway"].address, GATEWAY_PORT)
    script = (
        "import json, socket, sys, time\n"
        "times = []\n"
        "for _ in range(10):\n"
        "    started = time.perf_counter()\n"
        f"    socket.create_connection({address!r}).close()\n"
        "    times.append((time.perf_counter() - started) * 1000)\n"
        "print(json.dumps(times))\n"
    )
    done = subprocess.run(
        system.hosts["client"].command(sys.executable, "-c", script),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout))


def test_hosts_reach_each_other_only_through_their_links(
    system: tuple[SystemAcrossHosts, str],
) -> None:
    running, _ = system
    gateway = running.hosts["gateway"]
    # The gateway's host has its own loopback: nothing of the calendar's listens there.
    calendar_on_loopback = "import socket; socket.create_connection(('127.0.0.1', 8001), 2)"
    done = subprocess.run(
        gateway.command(sys.executable, "-c", calendar_on_loopback),
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0
    with socket.create_connection((gateway.address, GATEWAY_PORT), timeout=5):
        pass


def test_the_added_latency_is_real(system: tuple[SystemAcrossHosts, str]) -> None:
    running, _ = system
    running.hosts.add_latency(ADDED_MS)
    try:
        # A handshake is one round trip: the SYN leaves the client delayed, the SYN-ACK too.
        assert min(_connect_ms(running)) >= ROUND_TRIP_MS
    finally:
        running.hosts.remove_latency()
    assert min(_connect_ms(running)) < ROUND_TRIP_MS


def test_month_view_takes_one_call_to_each_service_at_any_latency(
    system: tuple[SystemAcrossHosts, str],
) -> None:
    running, token = system
    near = measure(running, token, requests=REQUESTS, ms=0.0)
    far = measure(running, token, requests=REQUESTS, ms=ADDED_MS)
    print(json.dumps([asdict(near), asdict(far)], indent=2))  # the report, with -s
    for figures in (near, far):
        assert figures.upstream_calls_of_one == {"calendar": 1, "diary": 1}, figures
    _assert_latency_floor(far)


def _assert_latency_floor(far: Figures) -> None:
    """The fastest month view across hosts pays at least: the client's round trip to the
    gateway, one round trip to a service, and that service's round trips to PostgreSQL."""
    statements = min(far.sql_statements["fc_calendar"], far.sql_statements["fc_diary"])
    floor = ROUND_TRIP_MS * (1 + 1 + int(statements))
    assert far.min_ms >= floor, (far, floor)
