"""Database engines for SQLite (configured for a server) and PostgreSQL, and session helpers.

SQLite runs in WAL mode with foreign keys, a busy timeout and `synchronous=FULL`, so an
acknowledged write survives `kill -9` and power loss alike. Writes take a process-wide lock and
open with `BEGIN IMMEDIATE`: one writer at a time, and never a "database is locked" error from a
deferred transaction that tries to upgrade.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import DateTime, Table, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, create_engine

from fc_common.tracing import instrument_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000

T = TypeVar("T")

SqlRunner = Session | Connection
"""What a read function runs its statements on: a write's session, or a read's bare connection."""

# Row ids are 64-bit on PostgreSQL; on SQLite only INTEGER makes the rowid alias (autoincrement).
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# A table option: a deleted row's id is never handed out again (other services may still name it).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: a timezone offset is required")
        value = value.astimezone(UTC)
        # SQLite has no timezone type: store naive UTC so text comparison orders correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class OwnedRow(SQLModel):
    """The columns an owned table's row starts with: its id and its owner's (user) id."""

    id: int | None = Field(default=None, primary_key=True, sa_type=ID_TYPE)
    owner_id: int = Field(sa_type=sa.BigInteger, nullable=False)


class TimestampedRow(OwnedRow):
    """An owned row that records when it was created and last changed."""

    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


def normalize_url(database_url: str) -> URL:
    """Parse a database URL, choosing psycopg 3 for plain `postgresql://` URLs."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_db_engine(database_url: str) -> Engine:
    """Build an engine (its statements traced, when tracing is configured)."""
    engine = _create_engine(database_url)
    instrument_engine(engine)
    return engine


def _create_engine(database_url: str) -> Engine:
    """An engine; SQLite files get their folder created and the server pragmas."""
    url = normalize_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=8,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # The driver's own transaction handling is off; the "begin" hook below issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("fc_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """An engine plus the session helpers routes use: `read()` and `write()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; never blocks behind writers in WAL mode."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def query(self, read: Callable[..., T], **arguments: Any) -> T:
        """Call a read function (`session=` and `arguments`) in its own read transaction.

        On a bare connection, not an ORM session: the reads are Core statements, and a session
        around them cost about as much as the statements themselves (bench, 2-core box).
        """
        with self.engine.connect() as connection:
            return read(session=connection, **arguments)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction; commits on success, rolls back on error."""
        lock = self._write_lock if self.is_sqlite else nullcontext()
        with lock, Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options={"fc_write": True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def insert_or_ignore(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """Insert a row unless its key exists (waiting for a concurrent inserter); whether it did."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    stmt = insert(table).values(**values).on_conflict_do_nothing()
    # RETURNING, not rowcount: an ORM session reports -1 rows for a Core insert on PostgreSQL.
    return session.execute(stmt.returning(sa.literal(1))).first() is not None
