"""The cluster's nginx: its config written from `deploy/nginx/cluster.conf`, started and stopped.

The config never changes while the cluster runs (a reload closes clients' idle keep-alive
connections, and a client that just sent a request on one sees it fail): replicas are restarted
beside themselves on the same port instead (see `cluster.replicas`).
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from cluster.topology import Kind, Topology
from scripts.processes import pid_alive, stop_pid

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "cluster.conf"
UPSTREAM_NAMES: dict[Kind, str] = {
    "gateway": "gateways",
    "calendar": "calendars",
    "diary": "diaries",
}


def render(topology: Topology) -> str:
    """nginx.conf for this topology."""
    values = {
        "state_dir": str(topology.state_dir),
        "tls_dir": str(topology.state_dir / "tls"),
        "host": topology.settings.host,
        "http_port": str(topology.settings.http_port),
        "https_port": str(topology.settings.https_port),
        "calendar_port": str(topology.calendar_balancer_port),
        "diary_port": str(topology.diary_balancer_port),
        "upstreams": "\n".join(_upstream(topology, kind) for kind in UPSTREAM_NAMES),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def _upstream(topology: Topology, kind: Kind) -> str:
    # No keep-alive to the replicas: a replica that is stopping closes its idle connections, and
    # a request nginx just wrote on one could not be resent (a POST). A loopback connect is cheap.
    # A refused connection marks the replica failed for 2 s; nothing was sent, so any request,
    # a POST included, goes to the next replica.
    servers = "\n".join(
        f"        server {topology.settings.host}:{slot.port} max_fails=1 fail_timeout=2s;"
        for slot in topology.of_kind(kind)
    )
    return f"    upstream {UPSTREAM_NAMES[kind]} {{\n{servers}\n    }}\n"


def config_path(topology: Topology) -> Path:
    """Where the rendered config lives."""
    return topology.state_dir / "nginx.conf"


def start(topology: Topology) -> None:
    """Write the config, check it, and start nginx (it daemonizes itself)."""
    state = topology.state_dir
    for folder in ("logs", "nginx-tmp"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    config_path(topology).write_text(render(topology))
    command = [topology.settings.nginx, "-p", str(state), "-c", str(config_path(topology))]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True, text=True)
    subprocess.run(command, check=True, capture_output=True, text=True)


def master_pid(topology: Topology) -> int | None:
    """The running nginx's master pid, else None."""
    try:
        pid = int((topology.state_dir / "nginx.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def stop(topology: Topology, *, timeout_s: float = 10.0) -> None:
    """Stop nginx gracefully (SIGQUIT: it finishes the requests in flight), then for good."""
    pid = master_pid(topology)
    if pid is not None:
        stop_pid(pid, timeout_s, signum=signal.SIGQUIT)
