"""`User` and `AuthPayload`: the account at the edge and what signing in answers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph_gateway.accounts.auth import SignedIn
from graph_gateway.accounts.models import User as UserRow
from graph_gateway.types.records import from_attributes


@strawberry.type(description="An account.")
class User:
    id: strawberry.ID = strawberry.field(description="The account's id.")
    email: str = strawberry.field(description="The email the account signs in with (lower-case).")
    display_name: str | None = strawberry.field(description="The name shown to the user.")
    created_at: datetime = strawberry.field(description="When the account was created.")
    time_zone: str = strawberry.field(
        description="The user's IANA time zone (e.g. `Asia/Seoul`; `UTC` by default): the "
        "default of `days(timeZone:)`, and the zone in which `DiaryEntry.events` and "
        "`Event.diaryEntries` match dates."
    )

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        """The GraphQL object for an account row."""
        assert row.id is not None
        return from_attributes(cls, row, id=strawberry.ID(str(row.id)))


@strawberry.type(description="A signed-in session: its tokens and its user.")
class AuthPayload:
    token: str = strawberry.field(
        description="A short-lived JWT (15 minutes by default) to send as "
        "`Authorization: Bearer <token>` on every other request."
    )
    refresh_token: str = strawberry.field(
        description="An opaque token for `refreshToken`, which trades it for new tokens; it "
        "works once, and presenting it again ends the session."
    )
    user: User = strawberry.field(description="The signed-in account.")

    @classmethod
    def from_signed_in(cls, signed_in: SignedIn) -> AuthPayload:
        """The payload of a sign-in, refresh or password change."""
        return cls(
            token=signed_in.token,
            refresh_token=signed_in.refresh_token,
            user=User.from_row(signed_in.user),
        )
