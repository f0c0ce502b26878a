"""Sign up, log in, refresh, change the password and profile: validation, hashing and SQL off
the event loop."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from anyio import to_thread

from fc_common.db import Database
from fc_common.text import storable_text
from graph_gateway.accounts import queries
from graph_gateway.accounts.models import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, User
from graph_gateway.accounts.password_policy import check_password
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.sessions import Issued, Sessions
from graph_gateway.errors import BadUserInputError, UnauthenticatedError
from graph_gateway.time_zones import DEFAULT_TIME_ZONE, time_zone

# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is not our business.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]+$")
WRONG_CREDENTIALS = "Wrong email or password"
WRONG_PASSWORD = "The current password is wrong"  # noqa: S105 - a message
NO_ACCOUNT = "The account no longer exists"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed-in user and their session's new tokens."""

    issued: Issued
    user: User

    @property
    def token(self) -> str:
        """The access token (a JWT)."""
        return self.issued.token

    @property
    def refresh_token(self) -> str:
        """The refresh token, traded once for the next pair."""
        return self.issued.refresh_token


def normalize_email(raw: str) -> str:
    """The stored form of an email (trimmed, lower-case), or BAD_USER_INPUT on `email`."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise BadUserInputError("Enter a valid email address", field="email")
    return email


def normalize_display_name(raw: str | None) -> str | None:
    """A trimmed display name (blank means none), or BAD_USER_INPUT on `displayName`."""
    if raw is None or not raw.strip():
        return None
    name = raw.strip()
    try:
        storable_text(name)
    except ValueError as exc:
        raise BadUserInputError(str(exc), field="displayName") from exc
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise BadUserInputError(
            f"The display name is at most {MAX_DISPLAY_NAME_LENGTH} characters",
            field="displayName",
        )
    return name


def normalize_time_zone(raw: str | None) -> str:
    """An IANA zone name (default UTC), or BAD_USER_INPUT on `timeZone`."""
    if raw is None:
        return DEFAULT_TIME_ZONE
    return time_zone(raw.strip()).key


class Accounts:
    """The account operations the schema needs; slow work runs in worker threads."""

    def __init__(self, *, db: Database, passwords: Passwords, sessions: Sessions) -> None:
        self.db = db
        self.passwords = passwords
        self.sessions = sessions

    async def sign_up(
        self, *, email: str, password: str, display_name: str | None, time_zone: str | None
    ) -> SignedIn:
        """Create an account and sign it in; a taken email is BAD_USER_INPUT on `email`."""
        normalized = normalize_email(email)
        check_password(password, email=normalized)
        name = normalize_display_name(display_name)
        zone = normalize_time_zone(time_zone)
        return await to_thread.run_sync(self._sign_up, normalized, password, name, zone)

    def _sign_up(self, email: str, password: str, name: str | None, zone: str) -> SignedIn:
        password_hash = self.passwords.hash(password)
        now = datetime.now(UTC)
        try:
            with self.db.write() as session:
                user = queries.create_user(
                    session=session,
                    email=email,
                    password_hash=password_hash,
                    display_name=name,
                    time_zone=zone,
                )
                assert user.id is not None
                issued = self.sessions.start(session, user_id=user.id, now=now)
        except queries.EmailTakenError as exc:
            raise BadUserInputError("An account with this email exists", field="email") from exc
        return SignedIn(issued, user)

    async def log_in(self, *, email: str, password: str) -> SignedIn:
        """Sign in; a wrong email and a wrong password get the same UNAUTHENTICATED error."""
        return await to_thread.run_sync(self._log_in, email.strip().lower(), password)

    def _log_in(self, email: str, password: str) -> SignedIn:
        with self.db.read() as session:
            user = queries.get_user_by_email(session=session, email=email)
        if user is None or user.id is None:
            self.passwords.spend_time(password)
            raise UnauthenticatedError(WRONG_CREDENTIALS)
        if not self.passwords.verify(user.password_hash, password):
            raise UnauthenticatedError(WRONG_CREDENTIALS)
        with self.db.write() as session:
            if self.passwords.needs_rehash(user.password_hash):
                new_hash = self.passwords.hash(password)
                queries.set_password_hash(session=session, user_id=user.id, password_hash=new_hash)
            issued = self.sessions.start(session, user_id=user.id, now=datetime.now(UTC))
        return SignedIn(issued, user)

    async def refresh(self, refresh_token: str) -> SignedIn:
        """Trade a refresh token for new tokens (the old one dies)."""
        issued = await to_thread.run_sync(self.sessions.refresh, refresh_token)
        return SignedIn(issued, existing(await self.get_user(issued.user_id)))

    async def change_password(self, *, user_id: int, current: str, new: str) -> SignedIn:
        """Replace the password (the current one is required), end every session, start one."""
        return await to_thread.run_sync(self._change_password, user_id, current, new)

    def _change_password(self, user_id: int, current: str, new: str) -> SignedIn:
        user = existing(self._get_user(user_id))
        if not self.passwords.verify(user.password_hash, current):
            raise BadUserInputError(WRONG_PASSWORD, field="currentPassword")
        check_password(new, email=user.email, field="newPassword")
        if new == current:
            raise BadUserInputError("Choose a password you have not used here", field="newPassword")
        new_hash = self.passwords.hash(new)
        now = datetime.now(UTC)
        with self.db.write() as session:
            queries.set_password_hash(session=session, user_id=user_id, password_hash=new_hash)
            # Every session ends, this one too: the new tokens below belong to a fresh one.
            self.sessions.end_all(session, user_id=user_id, reason="password_changed", now=now)
            issued = self.sessions.start(session, user_id=user_id, now=now)
        self.sessions.forget(user_id)
        return SignedIn(issued, user)

    async def log_out(self, *, user_id: int, session_id: int) -> None:
        """End one session."""
        await to_thread.run_sync(lambda: self.sessions.end(user_id=user_id, session_id=session_id))

    async def end_all_sessions(self, user_id: int) -> None:
        """End every session of the user."""
        await to_thread.run_sync(self._end_all_sessions, user_id)

    def _end_all_sessions(self, user_id: int) -> None:
        with self.db.write() as session:
            self.sessions.end_all(
                session, user_id=user_id, reason="logout_everywhere", now=datetime.now(UTC)
            )
        self.sessions.forget(user_id)

    async def update_profile(
        self,
        *,
        user_id: int,
        display_name: str | None,
        set_name: bool,
        time_zone: str | None,
        set_zone: bool,
    ) -> User:
        """Change the display name and/or the time zone (null: back to UTC), as flagged."""
        name = normalize_display_name(display_name) if set_name else None
        zone = normalize_time_zone(time_zone) if set_zone else None
        user = await to_thread.run_sync(self._update_profile, user_id, set_name, name, zone)
        self.sessions.forget(user_id)
        return user

    def _update_profile(
        self, user_id: int, set_name: bool, name: str | None, zone: str | None
    ) -> User:
        with self.db.write() as session:
            return existing(
                queries.update_profile(
                    session=session,
                    user_id=user_id,
                    display_name=name,
                    set_name=set_name,
                    time_zone=zone,
                )
            )

    async def verify_password(self, *, user_id: int, password: str) -> bool:
        """Whether `password` is the account's (for operations that ask for it again)."""
        user = await self.get_user(user_id)
        if user is None:
            return False
        return await to_thread.run_sync(self.passwords.verify, user.password_hash, password)

    async def get_user(self, user_id: int) -> User | None:
        """The account with this id, if it still exists."""
        return await to_thread.run_sync(self._get_user, user_id)

    def _get_user(self, user_id: int) -> User | None:
        with self.db.read() as session:
            return queries.get_user(session=session, user_id=user_id)


def existing(user: User | None) -> User:
    """The account, else UNAUTHENTICATED (it was deleted while its token still lived)."""
    if user is None:
        raise UnauthenticatedError(NO_ACCOUNT)
    return user
