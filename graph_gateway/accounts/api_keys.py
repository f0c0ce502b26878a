"""Personal API keys, like GitHub's fine-grained tokens: prefixed, shown once, hashed, scoped,
optionally expiring, with a last-used time; at most `max_per_user` per account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fc_common.db import Database
from fc_common.text import storable_text
from graph_gateway.accounts import api_key_queries as queries
from graph_gateway.accounts.credentials import (
    VISIBLE_PREFIX_LENGTH,
    CredentialHasher,
    new_api_key,
)
from graph_gateway.accounts.models import MAX_API_KEY_NAME_LENGTH, ApiKey
from graph_gateway.errors import BadUserInputError, NotFoundError

SCOPES = ("READ", "WRITE")
# `lastUsedAt` is kept to this precision, so a busy key costs one write a minute, not one per
# request (GitHub shows "last used within the last week" for the same reason).
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_KEY_LIFETIME = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new key: the secret (shown once) and its row."""

    secret: str
    row: ApiKey


def key_name(raw: str) -> str:
    """A trimmed key name of 1-100 characters, or BAD_USER_INPUT on `name`."""
    name = raw.strip()
    try:
        storable_text(name)
    except ValueError as exc:
        raise BadUserInputError(str(exc), field="name") from exc
    if not 1 <= len(name) <= MAX_API_KEY_NAME_LENGTH:
        raise BadUserInputError(
            f"The name must be 1 to {MAX_API_KEY_NAME_LENGTH} characters", field="name"
        )
    return name


def key_scopes(raw: list[str]) -> str:
    """The stored form of a non-empty scope list (deduplicated, in canonical order)."""
    chosen = set(raw)
    if not chosen:
        raise BadUserInputError("Give the key at least one scope", field="scopes")
    return ",".join(s for s in SCOPES if s in chosen)


def key_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    """An expiry in the future and at most a year away (or none), else BAD_USER_INPUT."""
    if expires_at is None:
        return None
    if expires_at.tzinfo is None or expires_at <= now:
        raise BadUserInputError("The expiry must be in the future", field="expiresAt")
    if expires_at > now + MAX_KEY_LIFETIME:
        raise BadUserInputError("A key may live at most 366 days", field="expiresAt")
    return expires_at.astimezone(UTC)


class ApiKeys:
    """Create, list, revoke and look up API keys; call from worker threads."""

    def __init__(self, *, db: Database, hasher: CredentialHasher, max_per_user: int) -> None:
        self.db = db
        self.hasher = hasher
        self.max_per_user = max_per_user

    def create(
        self, *, user_id: int, name: str, scopes: list[str], expires_at: datetime | None
    ) -> CreatedKey:
        """Make a key for the user; over the per-user limit is BAD_USER_INPUT."""
        now = datetime.now(UTC)
        row = ApiKey(
            user_id=user_id,
            name=key_name(name),
            scopes=key_scopes(scopes),
            expires_at=key_expiry(expires_at, now),
            created_at=now,
            prefix="",
            secret_hash="",
        )
        secret = new_api_key()
        row.prefix = secret[:VISIBLE_PREFIX_LENGTH]
        row.secret_hash = self.hasher.digest(secret)
        with self.db.write() as session:
            if queries.count_keys(session=session, user_id=user_id) >= self.max_per_user:
                raise BadUserInputError(
                    f"An account may have at most {self.max_per_user} API keys; revoke one first",
                    field="input",
                )
            queries.insert_key(session=session, key=row)
        return CreatedKey(secret=secret, row=row)

    def list(self, user_id: int) -> list[ApiKey]:
        """The user's keys, newest first."""
        with self.db.read() as session:
            return queries.list_keys(session=session, user_id=user_id)

    def revoke(self, *, user_id: int, key_id: int) -> None:
        """Delete one of the user's keys; NOT_FOUND when it is not theirs."""
        with self.db.write() as session:
            if not queries.delete_key(session=session, user_id=user_id, key_id=key_id):
                raise NotFoundError("API key not found")

    def owner(self, secret_hash: str) -> queries.KeyOwner | None:
        """The key with this hash and its owner (the authenticator's cache miss)."""
        with self.db.read() as session:
            return queries.key_owner(session=session, secret_hash=secret_hash)

    def touch(self, key_id: int, now: datetime) -> None:
        """Record a use of the key."""
        with self.db.write() as session:
            queries.touch_key(session=session, key_id=key_id, now=now)
