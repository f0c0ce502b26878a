"""`make migrate`: bring each process's database to its newest Alembic revision.

Each process also migrates when it starts; running this first makes a broken migration fail
before anything listens, with the database it failed on named.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from fc_common.migrations import database_is_ahead, upgrade_to_head
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


def migrate_all(*, echo: Callable[[str], None] = print, keep_newer: bool = False) -> None:
    """Upgrade every database named by the environment (or the defaults under ./data).

    `keep_newer`: a database a newer release migrated is left as it is (a rollback), not refused.
    """
    for target in TARGETS:
        url = target.database_url()
        if keep_newer and database_is_ahead(target.migrations_dir, url):
            echo(f"{target.name} database is ahead of this release (a rollback): left as it is")
            continue
        echo(f"migrating {target.name} database")
        upgrade_to_head(target.migrations_dir, url)


def main(argv: list[str] | None = None) -> int:
    """Migrate, and exit non-zero with the reason when a migration fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep-newer",
        action="store_true",
        help="leave a database that a newer release migrated as it is (rolling back)",
    )
    args = parser.parse_args(argv)
    try:
        migrate_all(keep_newer=args.keep_newer)
    except Exception as error:
        print(f"migration failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
