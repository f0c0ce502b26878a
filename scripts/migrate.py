"""`make migrate`: bring each process's database to its newest Alembic revision.

Each process also migrates when it starts; running this first makes a broken migration fail
before anything listens, with the database it failed on named.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from fc_common.migrations import upgrade_to_head
from fc_common.settings import load_settings
from graph_gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Migratable:
    """A process's name, its migrations folder and how to read its database URL."""

    name: str
    migrations_dir: Path
    database_url: Callable[[], str]


TARGETS = (
    Migratable(
        "calendar",
        ROOT / "calendar_svc" / "migrations",
        lambda: load_settings(CalendarSettings, service="calendar_svc").database_url,
    ),
    Migratable(
        "diary",
        ROOT / "diary_svc" / "migrations",
        lambda: load_settings(DiarySettings, service="diary_svc").database_url,
    ),
    Migratable(
        "gateway",
        ROOT / "graph_gateway" / "accounts" / "migrations",
        lambda: load_settings(GatewaySettings, service="graph_gateway").database_url,
    ),
)


def migrate_all(*, echo: Callable[[str], None] = print) -> None:
    """Upgrade every database named by the environment (or the defaults under ./data)."""
    for target in TARGETS:
        url = target.database_url()
        echo(f"migrating {target.name} database")
        upgrade_to_head(target.migrations_dir, url)


def main() -> int:
    """Migrate, and exit non-zero with the reason when a migration fails."""
    try:
        migrate_all()
    except Exception as error:
        print(f"migration failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
