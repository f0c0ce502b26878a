"""Sessions: an access JWT plus a rotating refresh token, per OAuth 2.1's rotation rules.

Every sign-in starts a session. `refresh` trades a refresh token for a new pair and kills the
old token; presenting a token that was already traded (a stolen copy, or the thief's) revokes
the whole session, so whoever holds the newer token is cut off too (reuse detection). A session
also ends by log-out, by "log out everywhere", by a password change, or at its absolute
lifetime. Access tokens name their session (`sid`); `Authenticator` refuses those whose session
has ended within its cache's lifetime (at most one second).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlmodel import Session

from fc_common.db import Database
from graph_gateway.accounts import session_queries as queries
from graph_gateway.accounts.credentials import CredentialHasher, new_refresh_token
from graph_gateway.accounts.tokens import Tokens
from graph_gateway.errors import UnauthenticatedError

log = structlog.get_logger("graph_gateway.sessions")

INVALID_REFRESH = "The refresh token is invalid or has expired; log in again"


@dataclass(frozen=True, slots=True)
class Issued:
    """A fresh access token and refresh token, and the user they sign in."""

    token: str
    refresh_token: str
    user_id: int


@dataclass(frozen=True, kw_only=True, eq=False)
class Sessions:
    """Start, rotate and end sessions; call from worker threads (the SQL blocks)."""

    db: Database
    tokens: Tokens
    hasher: CredentialHasher
    refresh_ttl: timedelta
    max_lifetime: timedelta
    # Told the user id whenever sessions end here, so this process forgets them at once.
    on_revoke: Callable[[int], None]

    def start(self, session: Session, *, user_id: int, now: datetime) -> Issued:
        """Start a session inside the caller's write transaction."""
        session_id = queries.create_session(
            session=session, user_id=user_id, now=now, expires_at=now + self.max_lifetime
        )
        return self._issue(
            session,
            user_id=user_id,
            session_id=session_id,
            now=now,
            session_expires_at=now + self.max_lifetime,
        )

    def _issue(
        self,
        session: Session,
        *,
        user_id: int,
        session_id: int,
        now: datetime,
        session_expires_at: datetime,
    ) -> Issued:
        refresh_token = new_refresh_token()
        queries.add_refresh_token(
            session=session,
            session_id=session_id,
            token_hash=self.hasher.digest(refresh_token),
            now=now,
            expires_at=min(now + self.refresh_ttl, session_expires_at),
        )
        return Issued(
            token=self.tokens.issue(user_id, session_id=session_id, now=now),
            refresh_token=refresh_token,
            user_id=user_id,
        )

    def refresh(self, raw_token: str) -> Issued:
        """Rotate a refresh token; a reused one revokes its session (UNAUTHENTICATED either way)."""
        now = datetime.now(UTC)
        with self.db.write() as session:
            found = queries.find_refresh_token(
                session=session, token_hash=self.hasher.digest(raw_token.strip())
            )
            if found is None:
                raise UnauthenticatedError(INVALID_REFRESH)
            token, auth_session = found
            assert token.id is not None and auth_session.id is not None
            live = auth_session.revoked_at is None and auth_session.expires_at > now
            if not live or (token.used_at is None and token.expires_at <= now):
                raise UnauthenticatedError(INVALID_REFRESH)
            if queries.mark_used(session=session, token_id=token.id, now=now):
                return self._issue(
                    session,
                    user_id=auth_session.user_id,
                    session_id=auth_session.id,
                    now=now,
                    session_expires_at=auth_session.expires_at,
                )
            # Already traded in: someone holds a copy. End the family for everyone.
            queries.revoke_sessions(
                session=session,
                user_id=auth_session.user_id,
                session_id=auth_session.id,
                now=now,
                reason="refresh_reuse",
            )
        log.warning(
            "refresh token reused; session revoked",
            session_id=auth_session.id,
            user_id=auth_session.user_id,
        )
        self.on_revoke(auth_session.user_id)
        raise UnauthenticatedError(INVALID_REFRESH)

    def end(self, *, user_id: int, session_id: int) -> None:
        """End one session (log out)."""
        with self.db.write() as session:
            queries.revoke_sessions(
                session=session,
                user_id=user_id,
                session_id=session_id,
                now=datetime.now(UTC),
                reason="logout",
            )
        self.on_revoke(user_id)

    def end_all(self, session: Session, *, user_id: int, reason: str, now: datetime) -> None:
        """End every session of a user inside the caller's write transaction."""
        queries.revoke_sessions(session=session, user_id=user_id, now=now, reason=reason)

    def forget(self, user_id: int) -> None:
        """Tell this process's cache that a user's sessions changed (after a commit)."""
        self.on_revoke(user_id)

    def live(self, session_id: int) -> queries.LiveSession | None:
        """The live session with this id, if any (the authenticator's cache miss)."""
        with self.db.read() as session:
            return queries.live_session(
                session=session, session_id=session_id, now=datetime.now(UTC)
            )

    def prune(self, *, older_than: timedelta) -> None:
        """Delete sessions dead for longer than `older_than` (at start)."""
        with self.db.write() as session:
            queries.prune_sessions(session=session, before=datetime.now(UTC) - older_than)
