"""`make soak`: a cluster under steady mixed load for a while, every process's memory and open
files sampled each minute; fails if either grew 5 % or more after the warm-up.

    python -m cluster.soak --minutes 20 [--warm-up 5]

It starts its own cluster (state under a temporary folder, its own databases) and stops it.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import ssl
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cluster import lifecycle, nginx
from cluster.load import Load
from cluster.replicas import State
from cluster.topology import ClusterSettings, Topology

LOAD_SCRIPT = Path(__file__).with_name("load.lua")
# A process holds ~20 descriptors, a few of them the connections in flight at the sampled
# moment: one more or less is sampling, not growth (a leak keeps climbing).
OPEN_FILES_NOISE = 1
# What wrk's report (load.lua's done()) counts as failed requests.
FAILURE_KEYS = ("read_failures", "write_failures", "other_failures", "socket_errors", "non_2xx")
GROWTH_LIMIT = 0.05
# A steady load that leaves the machine room for other work (the soak is about leaks, not speed).
CONNECTIONS = 8
SIGN_UP = "mutation($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }"


@dataclass
class Samples:
    """Per process: RSS (KiB) and open files, one pair a minute."""

    rss_kib: dict[str, list[int]] = field(default_factory=dict)
    open_files: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, pid: int) -> None:
        """Read one process's figures from /proc."""
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        self.rss_kib.setdefault(name, []).append(rss)
        self.open_files.setdefault(name, []).append(
            sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())
        )

    def growth(self, warm_up: int) -> dict[str, tuple[float, float]]:
        """Each process's growth (RSS, open files) after the warm-up: the median of the last
        samples against the median of the first ones (open files move with the connections in
        flight at the sampled moment; a leak moves the whole series)."""
        return {
            name: (
                _growth(rss[warm_up:]),
                _growth(self.open_files[name][warm_up:], tolerance=OPEN_FILES_NOISE),
            )
            for name, rss in self.rss_kib.items()
        }


def _growth(series: list[int], window: int = 5, tolerance: int = 0) -> float:
    """How much the median of the last `window` samples exceeds that of the first, as a share;
    a difference of at most `tolerance` counts as none."""
    if len(series) < 2:
        return 0.0
    width = min(window, len(series) // 2)
    first, last = statistics.median(series[:width]), statistics.median(series[-width:])
    if abs(last - first) <= tolerance or not first:
        return 0.0
    return (last - first) / first


def processes(topology: Topology) -> dict[str, int]:
    """The pids to watch: every replica and nginx's master."""
    state = State.load(topology)
    assert state is not None
    watched = {name: running.pid for name, running in state.replicas.items()}
    master = nginx.master_pid(topology)
    if master is not None:
        watched["nginx"] = master
    return watched


def soak(topology: Topology, *, minutes: int, warm_up: int) -> int:
    """Start a cluster, load it for `minutes`, sample each minute, report; 0 if nothing grew."""
    lifecycle.up(topology)
    try:
        trust = ssl.create_default_context(cafile=topology.state_dir / "tls" / "ca.pem")
        account = {"e": "soak@example.test", "p": os.urandom(12).hex()}
        token = httpx.post(
            f"{topology.public_url}/graphql",
            json={"query": SIGN_UP, "variables": account},
            verify=trust,
            timeout=60,
        ).json()["data"]["signUp"]["token"]
        samples = Samples()
        with Load(topology.public_url, token, connections=CONNECTIONS, threads=1) as load:
            for minute in range(minutes + 1):
                for name, pid in processes(topology).items():
                    samples.add(name, pid)
                print(f"minute {minute}: " + json.dumps(
                    {name: [rss[-1] // 1024, samples.open_files[name][-1]]
                     for name, rss in samples.rss_kib.items()}
                ), flush=True)  # fmt: skip
                if minute < minutes:
                    time.sleep(60)
    finally:
        lifecycle.down(topology)
        lifecycle.drop_databases(topology)
    print(f"load: {json.dumps(load.report)}")
    failed = load.failed
    print("growth after the warm-up (RSS, open files):")
    worst = 0.0
    for name, (rss, files) in samples.growth(warm_up).items():
        print(f"  {name:<11} RSS {rss:+.1%}  open files {files:+.1%}")
        worst = max(worst, rss, files)
    if failed:
        print(f"{failed} requests failed: the load did not measure what it should")
    return 0 if worst < GROWTH_LIMIT and not failed else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the options and soak."""
    parser = argparse.ArgumentParser(prog="python -m cluster.soak", description=__doc__)
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=5, help="minutes not judged")
    args = parser.parse_args(argv)
    # Production settings, but one client's load must not be rate-limited away, nor its token
    # expire midway (wrk cannot refresh it).
    os.environ.setdefault("GATEWAY_RATE_LIMIT_PER_CLIENT", "1000000/minute")
    os.environ.setdefault("GATEWAY_JWT_TTL_MINUTES", str(min(args.minutes + 10, 24 * 60)))
    with tempfile.TemporaryDirectory(prefix="fc-soak-") as folder:
        prefix = f"fc_soak_{secrets.token_hex(4)}"
        settings = ClusterSettings(state_dir=Path(folder), database_prefix=prefix)
        return soak(Topology.plan(settings), minutes=args.minutes, warm_up=args.warm_up)


if __name__ == "__main__":
    sys.exit(main())
