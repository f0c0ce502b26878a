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
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # SQLite cannot ALTER most things in place; batch mode copies the table instead.
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()
