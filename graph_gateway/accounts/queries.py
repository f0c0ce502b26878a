"""All SQL on the accounts table."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from graph_gateway.accounts.models import User


class EmailTakenError(Exception):
    """Another account already has this email."""


def get_user(*, session: Session, user_id: int) -> User | None:
    """The account with this id, if any."""
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The account with this (already normalized) email, if any."""
    return session.exec(select(User).where(User.email == email)).first()


def create_user(
    *, session: Session, email: str, password_hash: str, display_name: str | None
) -> User:
    """Insert an account; a duplicate email raises `EmailTakenError`."""
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise EmailTakenError(email) from exc
    return user


def set_password_hash(*, session: Session, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash (after a parameter upgrade)."""
    user = session.get(User, user_id)
    if user is not None:
        user.password_hash = password_hash
        session.add(user)
