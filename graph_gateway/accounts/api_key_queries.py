"""All SQL on API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from graph_gateway.accounts.models import ApiKey, User


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """What a request needs from a key: its id, owner, scopes, expiry and last use."""

    key_id: int
    user_id: int
    time_zone: str
    scopes: frozenset[str]
    expires_at: datetime | None
    last_used_at: datetime | None


def count_keys(*, session: Session, user_id: int) -> int:
    """How many keys a user has."""
    return session.exec(
        select(func.count()).select_from(ApiKey).where(ApiKey.user_id == user_id)
    ).one()


def insert_key(*, session: Session, key: ApiKey) -> ApiKey:
    """Insert a key row."""
    session.add(key)
    session.flush()
    return key


def list_keys(*, session: Session, user_id: int) -> list[ApiKey]:
    """A user's keys, newest first."""
    return list(
        session.exec(
            select(ApiKey).where(ApiKey.user_id == user_id).order_by(col(ApiKey.id).desc())
        )
    )


def delete_key(*, session: Session, user_id: int, key_id: int) -> bool:
    """Delete one of a user's keys; False when there is no such key of theirs."""
    result = session.execute(
        sa.delete(ApiKey).where(col(ApiKey.user_id) == user_id, col(ApiKey.id) == key_id)
    )
    return bool(cast(sa.CursorResult[Any], result).rowcount)


def delete_user_keys(*, session: Session, user_id: int) -> None:
    """Delete every key of a user (account deletion)."""
    session.execute(sa.delete(ApiKey).where(col(ApiKey.user_id) == user_id))


def key_owner(*, session: Session, secret_hash: str) -> KeyOwner | None:
    """The key with this hash, with its owner's time zone."""
    row = session.execute(
        sa.select(ApiKey, col(User.time_zone))
        .join(User, col(User.id) == col(ApiKey.user_id))
        .where(col(ApiKey.secret_hash) == secret_hash)
    ).first()
    if row is None:
        return None
    key: ApiKey = row[0]
    assert key.id is not None
    return KeyOwner(
        key_id=key.id,
        user_id=key.user_id,
        time_zone=row[1],
        scopes=frozenset(key.scopes.split(",")),
        expires_at=key.expires_at,
        last_used_at=key.last_used_at,
    )


def touch_key(*, session: Session, key_id: int, now: datetime) -> None:
    """Record that a key was used."""
    session.execute(sa.update(ApiKey).where(col(ApiKey.id) == key_id).values(last_used_at=now))
