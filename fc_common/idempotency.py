"""Keyed writes run once: a service remembers each (owner, `Idempotency-Key`) with its answer.

The key's record is inserted in the same transaction as the write it guards, before the write:
either both are kept or neither. A retry after a lost answer finds the record and gets the first
answer back; a concurrent duplicate waits on the record's key (PostgreSQL's unique index, SQLite's
single writer) and then replays. A key sent with a different request is refused (422).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Header, Request
from pydantic import TypeAdapter
from sqlmodel import Session

from fc_common.db import Database, UTCDateTime, insert_or_ignore
from fc_common.errors import ValidationFailedError
from fc_common.internal_auth import CallerDep

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
# Longer than the gateway keeps client keys, so a replayed gateway request always finds its writes.
RETENTION = timedelta(hours=48)
PURGE_CHANCE = 0.01

T = TypeVar("T")

metadata = sa.MetaData()
idempotent_write_t = sa.Table(
    "idempotent_write",
    metadata,
    sa.Column("owner_id", sa.BigInteger(), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("response", sa.Text(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_idempotent_write_created_at", "created_at"),
)


@dataclass(frozen=True, slots=True)
class WriteOnce:
    """One write request: whose, under which key (if any), and what it asked for."""

    owner_id: int
    key: str | None
    fingerprint: str

    def run(self, session: Session, write: Callable[[], T], answer: Any) -> T:
        """Run `write` in the caller's transaction unless this key ran it before; its answer."""
        if self.key is None:
            return write()
        now = datetime.now(UTC)
        mine = sa.and_(
            idempotent_write_t.c.owner_id == self.owner_id, idempotent_write_t.c.key == self.key
        )
        table = idempotent_write_t
        session.execute(sa.delete(table).where(mine, table.c.created_at < now - RETENTION))
        if random.random() < PURGE_CHANCE:  # noqa: S311 - spreading housekeeping, not security
            session.execute(sa.delete(table).where(table.c.created_at < now - RETENTION))
        claim = {
            "owner_id": self.owner_id,
            "key": self.key,
            "fingerprint": self.fingerprint,
            "created_at": now,
        }
        adapter = TypeAdapter(answer)
        if not insert_or_ignore(session, table, claim):
            first = session.execute(sa.select(table).where(mine)).one()
            if first.fingerprint != self.fingerprint:
                raise ValidationFailedError(
                    "This Idempotency-Key was used for a different request",
                    field=IDEMPOTENCY_HEADER,
                    code="IDEMPOTENCY_KEY_REUSED",
                )
            replayed: T = adapter.validate_json(first.response)
            return replayed
        result = write()
        session.execute(
            sa.update(table).where(mine).values(response=adapter.dump_json(result).decode())
        )
        return result

    def write(self, db: Database, write: Callable[..., T], answer: Any, **arguments: Any) -> T:
        """`run` a write function (`session=`, `owner_id=` and `arguments`) in its own write
        transaction, for this request's owner."""
        with db.write() as session:
            bound = partial(write, session=session, owner_id=self.owner_id, **arguments)
            return self.run(session, bound, answer)


async def write_once(
    request: Request,
    caller: CallerDep,
    key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            pattern=KEY_PATTERN,
            description="Makes a retried write run once: the same key replays the first answer",
        ),
    ] = None,
) -> WriteOnce:
    """The request as a keyed write: its owner, key and a digest of method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return WriteOnce(owner_id=caller.user_id, key=key, fingerprint=digest.hexdigest())


WriteOnceDep = Annotated[WriteOnce, Depends(write_once)]
