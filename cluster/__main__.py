"""`python -m cluster {up,down,rolling-restart,status}`: the commands behind `make cluster*`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cluster import lifecycle, nginx
from cluster.replicas import State
from cluster.topology import ClusterSettings, Topology
from scripts.processes import pid_alive


def _status(topology: Topology) -> int:
    state = State.load(topology)
    if state is None:
        print("no cluster is running here")
        return 1
    alive = {name: pid_alive(running.pid) for name, running in state.replicas.items()}
    nginx_pid = nginx.master_pid(topology)
    report = {
        "url": topology.public_url,
        "release": state.release,
        "nginx": nginx_pid,
        "replicas": {
            name: {"pid": state.replicas[name].pid, "alive": up} for name, up in alive.items()
        },
    }
    print(json.dumps(report, indent=2))
    healthy = nginx_pid is not None and all(alive.values())
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it; errors are one line, exit 1."""
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start nginx and every replica (PostgreSQL, Redis)")
    commands.add_parser("down", help="stop everything; each replica drains first")
    restart = commands.add_parser("rolling-restart", help="replace every replica, one at a time")
    restart.add_argument("--release", type=Path, help="a checkout of the release to run")
    commands.add_parser("heal", help="start again whatever died")
    commands.add_parser("status", help="where the cluster is and which replicas are alive")
    args = parser.parse_args(argv)
    topology = Topology.plan(ClusterSettings())
    try:
        if args.command == "up":
            lifecycle.up(topology)
        elif args.command == "down":
            lifecycle.down(topology)
        elif args.command == "heal":
            lifecycle.heal(topology)
        elif args.command == "rolling-restart":
            lifecycle.rolling_restart(topology, release=args.release)
        else:
            return _status(topology)
    except (RuntimeError, OSError) as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
