"""All SQL on sessions and refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from graph_gateway.accounts.models import AuthSession, RefreshToken, User


@dataclass(frozen=True, slots=True)
class LiveSession:
    """What a request needs from a live session: whose it is and their time zone."""

    user_id: int
    time_zone: str


def create_session(*, session: Session, user_id: int, now: datetime, expires_at: datetime) -> int:
    """Insert a session; its id."""
    row = AuthSession(user_id=user_id, created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def add_refresh_token(
    *, session: Session, session_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> None:
    """Insert a refresh token (by its hash) into a session."""
    session.add(
        RefreshToken(
            session_id=session_id, token_hash=token_hash, created_at=now, expires_at=expires_at
        )
    )


def find_refresh_token(
    *, session: Session, token_hash: str
) -> tuple[RefreshToken, AuthSession] | None:
    """A refresh token by hash, with its session."""
    row = session.exec(
        select(RefreshToken, AuthSession)
        .join(AuthSession, col(AuthSession.id) == col(RefreshToken.session_id))
        .where(RefreshToken.token_hash == token_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def mark_used(*, session: Session, token_id: int, now: datetime) -> bool:
    """Mark a refresh token rotated; False when another request already did (a reuse)."""
    result = session.execute(
        sa.update(RefreshToken)
        .where(col(RefreshToken.id) == token_id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    return bool(cast(sa.CursorResult[Any], result).rowcount)


def revoke_sessions(
    *,
    session: Session,
    user_id: int,
    now: datetime,
    reason: str,
    session_id: int | None = None,
    keep: int | None = None,
) -> None:
    """Revoke one of a user's sessions (`session_id`) or all of them (but `keep`)."""
    stmt = sa.update(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    if session_id is not None:
        stmt = stmt.where(col(AuthSession.id) == session_id)
    if keep is not None:
        stmt = stmt.where(col(AuthSession.id) != keep)
    session.execute(stmt.values(revoked_at=now, revoked_reason=reason))


def live_session(*, session: Session, session_id: int, now: datetime) -> LiveSession | None:
    """The user and time zone of a session that is neither revoked nor expired."""
    row = session.execute(
        sa.select(col(User.id), col(User.time_zone))
        .join(AuthSession, col(AuthSession.user_id) == col(User.id))
        .where(
            col(AuthSession.id) == session_id,
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > now,
        )
    ).first()
    return None if row is None else LiveSession(user_id=row[0], time_zone=row[1])


def delete_user_sessions(*, session: Session, user_id: int) -> None:
    """Delete every session and refresh token of a user (account deletion)."""
    sessions = sa.select(col(AuthSession.id)).where(col(AuthSession.user_id) == user_id)
    session.execute(sa.delete(RefreshToken).where(col(RefreshToken.session_id).in_(sessions)))
    session.execute(sa.delete(AuthSession).where(col(AuthSession.user_id) == user_id))


def prune_sessions(*, session: Session, before: datetime) -> None:
    """Delete sessions that expired or were revoked before `before`, with their tokens."""
    dead = sa.select(col(AuthSession.id)).where(
        sa.or_(col(AuthSession.expires_at) < before, col(AuthSession.revoked_at) < before)
    )
    session.execute(sa.delete(RefreshToken).where(col(RefreshToken.session_id).in_(dead)))
    session.execute(
        sa.delete(AuthSession).where(
            sa.or_(col(AuthSession.expires_at) < before, col(AuthSession.revoked_at) < before)
        )
    )
