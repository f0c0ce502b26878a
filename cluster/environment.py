"""The environment each replica starts with: production settings, shared secrets, shared stores."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cluster.topology import KINDS, Kind, Slot, Topology
from scripts.processes import without_settings

SECRET_NAMES = ("FC_INTERNAL_TOKEN", "GATEWAY_JWT_SECRET")
# Settings given to `cluster up` are the cluster's configuration: kept, and given to every
# replica started later (a restart runs with what the cluster was started with, not the shell's).
SETTING_PREFIXES = ("FC_", "GATEWAY_", "CALENDAR_", "DIARY_", "OTEL_")


def _write_private(path: Path, lines: list[str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write("".join(f"{line}\n" for line in lines))


def _read_pairs(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return dict(pairs)


def record_settings(state_dir: Path) -> None:
    """Keep this environment's process settings as the cluster's configuration."""
    settings = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(SETTING_PREFIXES))
    _write_private(state_dir / "settings.env", settings)


def recorded_settings(state_dir: Path) -> dict[str, str]:
    """The settings `cluster up` was given."""
    path = state_dir / "settings.env"
    return _read_pairs(path) if path.exists() else {}


def shared_secrets(state_dir: Path) -> dict[str, str]:
    """The secrets every replica shares, made once and kept (so tokens survive restarts)."""
    path = state_dir / "secrets.env"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        _write_private(path, [f"{name}={secrets.token_urlsafe(48)}" for name in SECRET_NAMES])
    return _read_pairs(path)


def database_env(topology: Topology) -> dict[str, str]:
    """Each process's database URL (what `scripts.migrate` and the replicas read)."""
    return {f"{_prefix(kind)}DATABASE_URL": topology.database_url(kind) for kind in KINDS}


def replica_env(topology: Topology, slot: Slot, *, generation: int) -> dict[str, str]:
    """The whole environment of one replica of `slot` (generation picks its metrics port)."""
    state = topology.state_dir
    prefix = _prefix(slot.kind)
    env = {
        **without_settings(SETTING_PREFIXES),
        "FC_ENVIRONMENT": "production",  # unless `cluster up` was told otherwise
        **recorded_settings(state),
        **shared_secrets(state),
        **database_env(topology),
        "FC_LOG_FORMAT": "json",
        "FC_DATA_DIR": str(state / "data" / slot.name),
        # A restart starts the new process beside the old one on the same port.
        "FC_REUSE_PORT": "1",
        # Migrations ran once before any replica started (`cluster up`), never on start.
        "FC_MIGRATE_ON_START": "0",
        "PYTHONUNBUFFERED": "1",
        f"{prefix}HOST": topology.settings.host,
        f"{prefix}PORT": str(slot.port),
        f"{prefix}METRICS_PORT": str(slot.metrics_ports[generation % 2]),
    }
    env.update(_kind_env(topology, slot.kind, first=slot.index == 0))
    return env


def _kind_env(topology: Topology, kind: Kind, *, first: bool) -> dict[str, str]:
    shared = topology.state_dir / "shared"
    if kind == "diary":
        return {
            "DIARY_IMAGE_DIR": str(shared / "images"),
            # One replica sweeps orphaned image files; the others never race it.
            "DIARY_IMAGE_SWEEP": "1" if first else "0",
        }
    if kind == "gateway":
        return {
            "GATEWAY_CALENDAR_URL": topology.internal_url(topology.calendar_balancer_port),
            "GATEWAY_DIARY_URL": topology.internal_url(topology.diary_balancer_port),
            "GATEWAY_RATE_LIMIT_STORAGE_URI": topology.settings.redis_url,
            "GATEWAY_PERSISTED_QUERY_STORAGE_URI": topology.settings.redis_url,
            # Answers cached per user, invalidated on every replica by the user's mutations.
            "GATEWAY_RESPONSE_CACHE_URI": topology.settings.redis_url,
            "GATEWAY_TRUSTED_PROXIES": json.dumps([topology.settings.host]),
            "GATEWAY_EXPORT_DIR": str(shared / "exports"),
        }
    return {}


def _prefix(kind: Kind) -> str:
    return f"{kind.upper()}_"
