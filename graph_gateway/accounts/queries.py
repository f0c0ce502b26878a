"""All SQL on the accounts table."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from graph_gateway.accounts.models import User

# What a deleted account's row holds until its data is gone everywhere: no address (a real
# email always has an @, so this never collides) and a hash no password verifies against.
TOMBSTONE_EMAIL = "deleted:{id}"
TOMBSTONE_HASH = "!"


class EmailTakenError(Exception):
    """Another account already has this email."""


def get_user(*, session: Session, user_id: int) -> User | None:
    """The account with this id, if any (a deleted account's tombstone is none)."""
    user = session.get(User, user_id)
    return None if user is None or user.password_hash == TOMBSTONE_HASH else user


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The account with this (already normalized) email, if any."""
    return session.exec(select(User).where(User.email == email)).first()


def create_user(
    *,
    session: Session,
    email: str,
    password_hash: str,
    display_name: str | None,
    time_zone: str = "UTC",
) -> User:
    """Insert an account; a duplicate email raises `EmailTakenError`."""
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        time_zone=time_zone,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise EmailTakenError(email) from exc
    return user


def set_password_hash(*, session: Session, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash."""
    user = session.get(User, user_id)
    if user is not None:
        user.password_hash = password_hash
        session.add(user)


def update_profile(
    *,
    session: Session,
    user_id: int,
    display_name: str | None,
    set_name: bool,
    time_zone: str | None,
) -> User | None:
    """Change an account's display name (if `set_name`) and time zone (if given)."""
    user = get_user(session=session, user_id=user_id)
    if user is None:
        return None
    if set_name:
        user.display_name = display_name
    if time_zone is not None:
        user.time_zone = time_zone
    session.add(user)
    session.flush()
    return user


def make_tombstone(*, session: Session, user_id: int) -> bool:
    """Strip an account to its id (email freed, password dead); False if it is gone already."""
    user = session.get(User, user_id)
    if user is None or user.password_hash == TOMBSTONE_HASH:
        return False
    user.email = TOMBSTONE_EMAIL.format(id=user_id)
    user.password_hash = TOMBSTONE_HASH
    user.display_name = None
    session.add(user)
    return True


def delete_user(*, session: Session, user_id: int) -> None:
    """Delete an account's row (its tombstone, once everything else is gone)."""
    user = session.get(User, user_id)
    if user is not None:
        session.delete(user)
