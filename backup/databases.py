"""Copy one database consistently while it serves writes, restore it, check it.

SQLite: the online backup API (`sqlite3.Connection.backup`), never a file copy of a live database.
PostgreSQL: `pg_dump --format=custom` of an exported snapshot, so the row counts and the image
keys read alongside it come from exactly the state the dump holds; `pg_restore` brings it back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL

from fc_common.db import create_db_engine, normalize_url

T = TypeVar("T")
Reader = Callable[[sa.Connection], T]


def is_sqlite(url: str) -> bool:
    """Whether a database URL names a SQLite file."""
    return normalize_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL."""
    return Path(str(normalize_url(url).database))


def libpq_url(url: str) -> str:
    """A PostgreSQL URL as `pg_dump`/`pg_restore` take it (no SQLAlchemy driver name)."""
    parsed: URL = normalize_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def capture(url: str, dest: Path, read: Reader[T]) -> tuple[Path, T]:
    """Copy the database into the folder `dest`; `read` runs on exactly the state copied."""
    if is_sqlite(url):
        copy = dest.with_suffix(".db")
        path = sqlite_path(url)
        if not path.is_file():
            raise FileNotFoundError(f"no database at {path}")
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        with _engine(f"sqlite:///{copy}") as engine, engine.connect() as conn:
            return copy, read(conn)
    copy = dest.with_suffix(".pgdump")
    with _engine(url) as engine, engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            _run(
                "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                f"--file={copy}", f"--dbname={libpq_url(url)}",
            )  # fmt: skip
            return copy, read(conn)


def restore(copy: Path, url: str) -> None:
    """Replace the database at `url` with the copied one."""
    if is_sqlite(url):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.restoring")
        shutil.copyfile(copy, temp)
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        temp.replace(path)
        return
    _run(
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", f"--dbname={libpq_url(url)}", str(copy),
    )  # fmt: skip


def integrity_problems(url: str) -> list[str]:
    """What the database's own checks find wrong (SQLite); PostgreSQL checked on restore."""
    if not is_sqlite(url):
        return []
    with _engine(url) as engine, engine.connect() as conn:
        problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        keys = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    found = [] if problems == ["ok"] else [f"integrity_check: {p}" for p in problems]
    return found + [f"foreign key broken: {tuple(row)}" for row in keys]


def row_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows in each table (Alembic's bookkeeping aside)."""
    tables = sorted(set(sa.inspect(conn).get_table_names()) - {"alembic_version"})
    return {
        name: int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one())
        for name in tables
    }


def revision(conn: sa.Connection) -> str | None:
    """The Alembic revision the database is at."""
    table = sa.table("alembic_version", sa.column("version_num"))
    with contextlib.suppress(sa.exc.DBAPIError):
        return conn.execute(sa.select(table.c.version_num)).scalar()
    return None


@contextlib.contextmanager
def _engine(url: str) -> Iterator[sa.Engine]:
    engine = create_db_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _run(*command: str) -> None:
    """Run a PostgreSQL client tool; its own error message if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
