"""`User` and `AuthPayload`: the account at the edge and what signing in answers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph_gateway.accounts.models import User as UserRow


@strawberry.type(description="An account.")
class User:
    """An account."""

    id: strawberry.ID = strawberry.field(description="The account's id.")
    email: str = strawberry.field(description="The email the account signs in with (lower-case).")
    display_name: str | None = strawberry.field(description="The name shown to the user.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        """The GraphQL object for an account row."""
        assert row.id is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            display_name=row.display_name,
            created_at=row.created_at,
        )


@strawberry.type(description="A signed-in session: the access token and its user.")
class AuthPayload:
    """A signed-in session: the access token and its user."""

    token: str = strawberry.field(
        description="A JWT to send as `Authorization: Bearer <token>` on every other request."
    )
    user: User = strawberry.field(description="The signed-in account.")
