"""Fixtures every suite shares: a fresh database per test, SQLite by default or PostgreSQL.

`FC_TEST_DB=postgresql` runs the suites against a PostgreSQL server (`tests/support/databases.py`),
creating a throwaway database per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import POSTGRES_ADMIN_URL as POSTGRES_ADMIN_URL
from tests.support.databases import TEST_DB as TEST_DB
from tests.support.databases import DatabaseUrlFactory as DatabaseUrlFactory
from tests.support.databases import fresh_databases

# Settings built in-process read this; processes the tests start get their own environment.
os.environ["FC_ENVIRONMENT"] = "test"


@pytest.fixture
def make_database_url(tmp_path: Path) -> Iterator[DatabaseUrlFactory]:
    """Make fresh, empty databases by name; dropped when the test ends."""
    with fresh_databases(tmp_path, prefix="fc_test") as make:
        yield make


@pytest.fixture
def database_url(make_database_url: DatabaseUrlFactory) -> str:
    """One fresh database for a test."""
    return make_database_url("main")
