"""Where the gateway keeps client `Idempotency-Key`s: its own database, seen by every replica.

One row per (user, key): a digest of the request, the answer once there is one, and a lease while
a request is running under the key. A replica that dies mid-request leaves a lease that expires,
so the key is not stuck; a finished answer is kept for the retention period (24 h at least).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from fc_common.db import Database, UTCDateTime, insert_or_ignore

ClaimState = Literal["claimed", "replay", "mismatch", "busy"]


class IdempotencyRecord(SQLModel, table=True):
    """A client's key, the request it came with, and the answer given (once finished)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.Index("ix_idempotency_key_created_at", "created_at"),)

    user_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    key: str = Field(sa_type=sa.String(255), primary_key=True)
    fingerprint: str = Field(sa_type=sa.String(64), nullable=False)
    status_code: int | None = Field(default=None)
    body: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


record_t = IdempotencyRecord.metadata.tables["idempotency_key"]


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a key; `status_code` and `body` are set for a replay."""

    state: ClaimState
    status_code: int = 0
    body: bytes = b""


class IdempotencyStore:
    """Claim, finish and release keys; every method is blocking SQL (run it in a thread)."""

    def __init__(self, db: Database, *, retention: timedelta, lease: timedelta) -> None:
        self.db = db
        self.retention = retention
        self.lease = lease

    def claim(self, *, user_id: int, key: str, fingerprint: str, now: datetime) -> Claim:
        """Take the key for this request, or say why not (replay, other request, still running)."""
        mine = sa.and_(record_t.c.user_id == user_id, record_t.c.key == key)
        with self.db.write() as session:
            session.execute(
                sa.delete(record_t).where(mine, record_t.c.created_at < now - self.retention)
            )
            row = {
                "user_id": user_id,
                "key": key,
                "fingerprint": fingerprint,
                "created_at": now,
                "locked_until": now + self.lease,
            }
            if insert_or_ignore(session, record_t, row):
                return Claim("claimed")
            first = session.execute(sa.select(record_t).where(mine).with_for_update()).one()
            if first.fingerprint != fingerprint:
                return Claim("mismatch")
            if first.body is not None:
                return Claim("replay", status_code=first.status_code, body=first.body)
            if first.locked_until is not None and first.locked_until > now:
                return Claim("busy")
            # The request that held it died: this one takes over.
            session.execute(sa.update(record_t).where(mine).values(locked_until=now + self.lease))
            return Claim("claimed")

    def finish(self, *, user_id: int, key: str, status_code: int, body: bytes) -> None:
        """Keep the answer given under the key, for replays."""
        mine = sa.and_(record_t.c.user_id == user_id, record_t.c.key == key)
        values = {"status_code": status_code, "body": body, "locked_until": None}
        with self.db.write() as session:
            session.execute(sa.update(record_t).where(mine).values(**values))

    def release(self, *, user_id: int, key: str) -> None:
        """Forget a key whose request failed in a way worth retrying."""
        mine = sa.and_(record_t.c.user_id == user_id, record_t.c.key == key)
        with self.db.write() as session:
            session.execute(sa.delete(record_t).where(mine, record_t.c.body.is_(None)))

    def purge(self, *, now: datetime) -> int:
        """Delete the keys older than the retention period; how many went."""
        with self.db.write() as session:
            result = session.execute(
                sa.delete(record_t).where(record_t.c.created_at < now - self.retention)
            )
        return int(result.rowcount)  # type: ignore[attr-defined]
