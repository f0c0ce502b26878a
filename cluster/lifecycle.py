"""`up`, `rolling_restart` and `down`: the whole cluster's life, in the order things must happen."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from cluster import nginx, replicas
from cluster.environment import database_env, record_settings, shared_secrets
from cluster.replicas import STOP_TIMEOUT_S, State
from cluster.topology import KINDS, Kind, Topology
from scripts.processes import REPO_ROOT, pid_alive, stop_pid

MIGRATE_REQUESTS = Path("/proc/sys/net/ipv4/tcp_migrate_req")
# Services first, so restarted gateways find every service replica of the new release.
Say = Callable[[str], None]
RESTART_ORDER: tuple[Kind, ...] = ("calendar", "diary", "gateway")


def up(topology: Topology, *, release: Path = REPO_ROOT, say: Say = print) -> State:
    """Create the databases, migrate them once, make TLS files, start the replicas and nginx."""
    if State.load(topology) is not None:
        raise RuntimeError(f"a cluster is already recorded in {topology.state_dir}; stop it first")
    topology.state_dir.mkdir(parents=True, exist_ok=True)
    for folder in ("logs", "shared/images", "shared/exports"):
        (topology.state_dir / folder).mkdir(parents=True, exist_ok=True)
    shared_secrets(topology.state_dir)
    record_settings(topology.state_dir)
    _allow_connection_migration(say)
    _create_databases(topology)
    say("migrating the databases (once, before any replica starts)")
    migrate(topology, release=release, say=say)
    subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "make-local-ca.sh"), str(topology.state_dir / "tls")],
        check=True,
        capture_output=True,
    )
    state = State(release=str(release))
    try:
        for kind in KINDS:
            for slot in topology.of_kind(kind):
                state.replicas[slot.name] = replicas.start(
                    topology, slot, generation=0, release=release
                )
                state.save(topology)
                say(f"{slot.name} ready on port {slot.port}")
        nginx.start(topology)
    except BaseException:
        down(topology, say=say)
        raise
    say(f"cluster ready at {topology.public_url} (CA: {topology.state_dir / 'tls' / 'ca.pem'})")
    return state


def migrate(topology: Topology, *, release: Path, say: Say = print) -> None:
    """Run the release's migrations against the cluster's databases, once; say what they did."""
    env = {**shared_secrets(topology.state_dir), **database_env(topology)}
    done = subprocess.run(
        [replicas.python_of(release), "-m", "scripts.migrate", "--keep-newer"],
        cwd=release,
        env={**os.environ, **env, "FC_ENVIRONMENT": "production"},
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        say(f"  {line}")
    if done.returncode != 0:
        raise RuntimeError(f"migrations of {release} failed: {done.stderr.strip()}")


def rolling_restart(topology: Topology, *, release: Path | None = None, say: Say = print) -> State:
    """Replace every replica, one at a time, with one running `release` (default: the same)."""
    state = State.load(topology)
    if state is None:
        raise RuntimeError(f"no cluster is recorded in {topology.state_dir}")
    target = release.resolve() if release is not None else Path(state.release)
    if target != Path(state.release):
        # Expand-only migrations keep the running release working; rolling back leaves them.
        say(f"migrating for {target}")
        migrate(topology, release=target, say=say)
    for kind in RESTART_ORDER:
        for slot in topology.of_kind(kind):
            running = replicas.replace(topology, state, slot, release=target)
            say(f"{slot.name} replaced (pid {running.pid}, generation {running.generation})")
    state.release = str(target)
    state.save(topology)
    return state


def heal(topology: Topology, *, say: Say = print) -> State:
    """Start again every replica that died (a crash, a SIGKILL), and nginx if it is gone."""
    state = State.load(topology)
    if state is None:
        raise RuntimeError(f"no cluster is recorded in {topology.state_dir}")
    for slot in topology.slots:
        running = state.replicas.get(slot.name)
        if running is not None and pid_alive(running.pid):
            continue
        generation = running.generation + 1 if running is not None else 0
        state.replicas[slot.name] = replicas.start(
            topology, slot, generation=generation, release=Path(state.release)
        )
        state.save(topology)
        say(f"{slot.name} started again (pid {state.replicas[slot.name].pid})")
    if nginx.master_pid(topology) is None:
        nginx.start(topology)
        say("nginx started again")
    return state


def down(topology: Topology, *, say: Say = print) -> None:
    """Stop nginx, then every replica (each drains), and forget the state."""
    nginx.stop(topology)
    state = State.load(topology)
    if state is not None:
        for name, running in state.replicas.items():
            if pid_alive(running.pid):
                stop_pid(running.pid, STOP_TIMEOUT_S)
                say(f"{name} stopped")
        (topology.state_dir / "state.json").unlink()


def _create_databases(topology: Topology) -> None:
    with psycopg.connect(topology.settings.postgres_url, autocommit=True) as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for kind in KINDS:
            name = topology.database_name(kind)
            if name not in existing:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_databases(topology: Topology) -> None:
    """Drop the cluster's databases (a throwaway cluster: the soak, the tests)."""
    with psycopg.connect(topology.settings.postgres_url, autocommit=True) as conn:
        for kind in KINDS:
            name = topology.database_name(kind)
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))


def _allow_connection_migration(say: Say) -> None:
    """Let the kernel hand connections queued on a closing listener to its successor."""
    try:
        if MIGRATE_REQUESTS.read_text().strip() != "1":
            MIGRATE_REQUESTS.write_text("1\n")
    except OSError as error:
        say(
            f"warning: cannot set net.ipv4.tcp_migrate_req=1 ({error}); a restart may reset "
            "connections queued at the moment the old replica stops listening"
        )
