"""Sign up, log in and look up accounts: validation, hashing and SQL off the event loop."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from anyio import to_thread

from fc_common.db import Database
from fc_common.text import storable_text
from graph_gateway.accounts import queries
from graph_gateway.accounts.models import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, User
from graph_gateway.accounts.passwords import Passwords
from graph_gateway.accounts.tokens import Tokens
from graph_gateway.errors import BadUserInputError, UnauthenticatedError

MIN_PASSWORD_LENGTH = 8
# How long an account found to exist is believed without asking the database again: the check
# runs for every authenticated request, and a database round trip each time cost more CPU than
# the rest of an `event(id)` request. Deleting an account must call `Accounts.forget`.
ACCOUNT_CONFIRMED_TTL_S = 5.0
MAX_CONFIRMED_ACCOUNTS = 10_000
MAX_PASSWORD_LENGTH = 128
# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is not our business.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]+$")
WRONG_CREDENTIALS = "Wrong email or password"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed-in user and their access token."""

    token: str
    user: User


def normalize_email(raw: str) -> str:
    """The stored form of an email (trimmed, lower-case), or BAD_USER_INPUT on `email`."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise BadUserInputError("Enter a valid email address", field="email")
    return email


def check_password(password: str) -> None:
    """Refuse passwords that are too short or too long (BAD_USER_INPUT on `password`)."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise BadUserInputError(
            f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            field="password",
        )


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


class Accounts:
    """The account operations the schema needs; slow work runs in worker threads."""

    def __init__(self, *, db: Database, passwords: Passwords, tokens: Tokens) -> None:
        self.db = db
        self.passwords = passwords
        self.tokens = tokens
        self._confirmed: dict[int, float] = {}  # user id → when it was last found (monotonic)

    async def sign_up(self, *, email: str, password: str, display_name: str | None) -> SignedIn:
        """Create an account and sign it in; a taken email is BAD_USER_INPUT on `email`."""
        normalized = normalize_email(email)
        check_password(password)
        name = normalize_display_name(display_name)
        return await to_thread.run_sync(self._sign_up, normalized, password, name)

    def _sign_up(self, email: str, password: str, display_name: str | None) -> SignedIn:
        password_hash = self.passwords.hash(password)
        try:
            with self.db.write() as session:
                user = queries.create_user(
                    session=session,
                    email=email,
                    password_hash=password_hash,
                    display_name=display_name,
                )
        except queries.EmailTakenError as exc:
            raise BadUserInputError("An account with this email exists", field="email") from exc
        assert user.id is not None
        return SignedIn(token=self.tokens.issue(user.id), user=user)

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
        if self.passwords.needs_rehash(user.password_hash):
            with self.db.write() as session:
                new_hash = self.passwords.hash(password)
                queries.set_password_hash(session=session, user_id=user.id, password_hash=new_hash)
        return SignedIn(token=self.tokens.issue(user.id), user=user)

    async def get_user(self, user_id: int) -> User | None:
        """The account with this id, if it still exists."""
        return await to_thread.run_sync(self._get_user, user_id)

    async def user_exists(self, user_id: int) -> bool:
        """Whether an account with this id exists (a found one is believed for a few seconds)."""
        now = time.monotonic()
        found_at = self._confirmed.get(user_id)
        if found_at is not None and now - found_at < ACCOUNT_CONFIRMED_TTL_S:
            return True
        if await self.get_user(user_id) is None:
            self.forget(user_id)
            return False
        if len(self._confirmed) >= MAX_CONFIRMED_ACCOUNTS:
            self._confirmed.clear()
        self._confirmed[user_id] = now
        return True

    def forget(self, user_id: int) -> None:
        """Stop believing an account exists (call when it is deleted)."""
        self._confirmed.pop(user_id, None)

    def _get_user(self, user_id: int) -> User | None:
        with self.db.read() as session:
            return queries.get_user(session=session, user_id=user_id)
