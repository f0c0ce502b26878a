"""Fresh, empty databases by name: SQLite files by default, throwaway PostgreSQL ones on request.

`FC_TEST_DB=postgresql` makes them on the server at `FC_TEST_POSTGRES_URL` (default
`postgresql://postgres@127.0.0.1:5432/postgres`); they are dropped when the block ends. When that
server is unreachable the tests fail: a missing server is never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_DB = os.environ.get("FC_TEST_DB", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "FC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

DatabaseUrlFactory = Callable[[str], str]


@contextmanager
def fresh_databases(sqlite_dir: Path, *, prefix: str) -> Iterator[DatabaseUrlFactory]:
    """A factory of new databases by name (`<sqlite_dir>/<name>.db`, or `<prefix>_<name>_<hex>`
    on PostgreSQL); the PostgreSQL ones are dropped when the block ends."""
    if TEST_DB != "postgresql":
        yield lambda name: f"sqlite:///{sqlite_dir / name}.db"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def make(name: str) -> str:
        db_name = f"{prefix}_{name}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        created.append(db_name)
        return make_url(POSTGRES_ADMIN_URL).set(database=db_name).render_as_string(False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for db_name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()
