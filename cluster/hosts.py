"""Several "hosts" on one machine: a network namespace each, joined by a bridge, with latency.

Each host gets its own namespace (its own loopback, ports and routes) and one veth link to a
bridge in the root namespace, which keeps an address on the same subnet so this process can reach
every host. `add_latency(ms)` delays every packet each host sends by `ms` (`cluster.delay`, fed by
an iptables NFQUEUE rule on the host's link), so a round trip between two hosts costs 2 × `ms`.
Needs root, iproute2 and iptables (`make netns`).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scripts.processes import REPO_ROOT

# NFQUEUE is an xtables target: the legacy iptables binary reaches it on kernels without nft's
# queue expression.
IPTABLES = "iptables-legacy"
LINK = "eth0"
FIRST_HOST_OCTET = 10


@dataclass(frozen=True)
class Host:
    """One host: its namespace and its address on the shared subnet."""

    name: str
    namespace: str
    address: str

    def command(self, *argv: str) -> list[str]:
        """`argv` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]


def _run(*argv: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")


@dataclass
class Hosts:
    """Namespaces on a bridge; `close()` removes all of it."""

    tag: str
    subnet: str  # the first three octets, e.g. "10.123.45"
    hosts: dict[str, Host] = field(default_factory=dict)
    delays: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def bridge(self) -> str:
        """The bridge's interface name (at most 15 characters, as Linux wants)."""
        return f"fcb{self.tag}"

    @property
    def gateway_address(self) -> str:
        """The root namespace's address on the subnet."""
        return f"{self.subnet}.1"

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]

    def _forward_rule(self, action: str) -> tuple[str, ...]:
        return (action, "FORWARD", "-i", self.bridge, "-o", self.bridge, "-j", "ACCEPT")

    def create(self, names: Sequence[str]) -> None:
        """Make the bridge and one namespace per name, each linked to the bridge."""
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.gateway_address}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        # Docker's daemon turns on netfilter for bridged traffic and drops what it forwards
        # unless told otherwise: traffic between these hosts is let through explicitly.
        _run("iptables", *self._forward_rule("-I"))
        for index, name in enumerate(names):
            host = Host(name, f"fc-{self.tag}-{name}", f"{self.subnet}.{FIRST_HOST_OCTET + index}")
            outside = f"fcv{self.tag}{index}"
            _run("ip", "netns", "add", host.namespace)
            self.hosts[name] = host
            _run(
                "ip",
                "link",
                "add",
                outside,
                "type",
                "veth",
                "peer",
                "name",
                LINK,
                "netns",
                host.namespace,
            )
            _run("ip", "link", "set", outside, "master", self.bridge, "up")
            _run(*host.command("ip", "addr", "add", f"{host.address}/24", "dev", LINK))
            _run(*host.command("ip", "link", "set", LINK, "up"))
            _run(*host.command("ip", "link", "set", "lo", "up"))

    def add_latency(self, milliseconds: float) -> None:
        """Delay every packet each host sends to another host by `milliseconds`."""
        self.remove_latency()
        for host in self.hosts.values():
            delay = subprocess.Popen(
                host.command(sys.executable, "-m", "cluster.delay", "--ms", str(milliseconds)),
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
            )
            self.delays.append(delay)
            assert delay.stdout is not None
            # The queue is bound once the daemon says so; only then may packets go to it.
            if not delay.stdout.readline().startswith(b"delaying"):
                raise RuntimeError(f"the delay queue of {host.name} did not start")
            # Without a listener the kernel would drop queued packets; --queue-bypass lets
            # them through instead should the daemon die.
            _run(
                *host.command(
                    IPTABLES,
                    "-A",
                    "OUTPUT",
                    "-o",
                    LINK,
                    "-j",
                    "NFQUEUE",
                    "--queue-num",
                    "0",
                    "--queue-bypass",
                )
            )

    def remove_latency(self) -> None:
        """Take the rules out first, then stop the delay queues."""
        for host in self.hosts.values():
            _run(*host.command(IPTABLES, "-F", "OUTPUT"))
        for delay in self.delays:
            delay.terminate()
            delay.wait(timeout=10)
            assert delay.stdout is not None
            delay.stdout.close()
        self.delays.clear()

    def close(self) -> None:
        """Remove the namespaces (their links go with them) and the bridge."""
        for delay in self.delays:
            delay.kill()
            delay.wait(timeout=10)
            assert delay.stdout is not None
            delay.stdout.close()
        for host in self.hosts.values():
            subprocess.run(["ip", "netns", "del", host.namespace], check=False)
        subprocess.run(["iptables", *self._forward_rule("-D")], check=False, capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], check=False, capture_output=True)


@contextmanager
def hosts(names: Sequence[str]) -> Iterator[Hosts]:
    """Hosts named `names` on a fresh random subnet of 10.0.0.0/8, removed afterwards."""
    subnet = _unused_subnet()
    made = Hosts(tag=secrets.token_hex(3), subnet=subnet)
    try:
        made.create(names)
        yield made
    finally:
        made.close()


def _unused_subnet() -> str:
    """A /24 of 10.0.0.0/8 that no route of this machine mentions (so nothing leaves it)."""
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True, check=True)
    for _ in range(100):
        subnet = f"10.{100 + secrets.randbelow(150)}.{secrets.randbelow(256)}"
        if f"{subnet}." not in routes.stdout and " 10.0.0.0/8" not in routes.stdout:
            return subnet
    raise RuntimeError("no free /24 in 10.0.0.0/8 for the test hosts")


def can_make_hosts() -> str | None:
    """Why this machine cannot make hosts (not root, a missing tool), else None."""
    if Path("/proc/self/status").read_text().find("\nUid:\t0\t") < 0:
        return "making network namespaces needs root"
    for tool in ("ip", IPTABLES):
        if subprocess.run(["which", tool], capture_output=True, check=False).returncode != 0:
            return f"{tool} is missing (make netns installs it)"
    return None
