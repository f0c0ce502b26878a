"""The body of every package's Alembic `env.py`: online migrations on our own engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from fc_common.db import create_db_engine


def run_migrations(metadata: MetaData) -> None:
    """Run the pending migrations against `sqlalchemy.url` from the Alembic config."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set in the Alembic config")
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            if is_sqlite:
                # A batch rebuild drops the old table: with foreign keys on, the drop would
                # cascade to the rows referring to it. The pragma only works outside a transaction.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # SQLite cannot ALTER most things in place; batch mode copies the table instead.
                render_as_batch=is_sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if is_sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
            connection.commit()
    finally:
        engine.dispose()
