"""Fixtures every suite shares: a fresh database per test, SQLite by default or PostgreSQL.

`FC_TEST_DB=postgresql` runs the suites against the PostgreSQL server at `FC_TEST_POSTGRES_URL`
(default `postgresql://postgres@127.0.0.1:5432/postgres`), creating a throwaway database per test.
When that server is unreachable the tests fail: a missing server is never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Settings built in-process read this; processes the tests start get their own environment.
os.environ["FC_ENVIRONMENT"] = "test"

TEST_DB = os.environ.get("FC_TEST_DB", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "FC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

DatabaseUrlFactory = Callable[[str], str]


@pytest.fixture
def make_database_url(tmp_path: Path) -> Iterator[DatabaseUrlFactory]:
    """Make fresh, empty databases by name; dropped when the test ends."""
    created: list[str] = []
    admin = None
    if TEST_DB == "postgresql":
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def make(name: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / name}.db"
        db_name = f"fc_test_{name}_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        created.append(db_name)
        return make_url(POSTGRES_ADMIN_URL).set(database=db_name).render_as_string(False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for db_name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(make_database_url: DatabaseUrlFactory) -> str:
    """One fresh database for a test."""
    return make_database_url("main")
