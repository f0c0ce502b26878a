"""Apply a package's Alembic history programmatically (on start and from `make migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from fc_common.db import normalize_url


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    """An Alembic config pointing at a package's `migrations/` folder and a database."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    url = normalize_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade_to_head(migrations_dir: Path, database_url: str) -> None:
    """Bring the database to the newest revision; a no-op when it is already there."""
    url = normalize_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


def database_is_ahead(migrations_dir: Path, database_url: str) -> bool:
    """Whether the database carries a revision this code does not know (a newer release's).

    That is where a rollback leaves it: the previous release runs against the newer, expanded
    schema, and must neither migrate nor refuse to start.
    """
    config = alembic_config(migrations_dir, database_url)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    return any(revision not in known for revision in current)
