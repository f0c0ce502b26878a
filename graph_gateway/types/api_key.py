"""`ApiKey`, `ApiKeyCreated` and `ApiKeyScope`: personal API keys as GraphQL shows them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from graph_gateway.accounts.models import ApiKey as ApiKeyRow
from graph_gateway.types.records import from_attributes


@strawberry.enum(
    description="What an API key may do: `READ` runs queries, `WRITE` also mutations on events, "
    "tags, diary entries and images. No key manages keys, sessions, the password or the account."
)
class ApiKeyScope(StrEnum):
    """What an API key may do."""

    READ = "READ"
    WRITE = "WRITE"


@strawberry.type(description="A personal API key (its secret is never shown again).")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's id.")
    name: str = strawberry.field(description="What the key is for.")
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do.")
    prefix: str = strawberry.field(
        description="The key's first characters (`fck_…`), to recognise it by."
    )
    created_at: datetime = strawberry.field(description="When the key was made.")
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (to the minute); null if never."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the key stops working; null if it does not expire."
    )

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        """The GraphQL object for a key row."""
        return from_attributes(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            scopes=[ApiKeyScope(s) for s in row.scopes.split(",")],
        )


@strawberry.type(description="A new API key and its secret, shown this once only.")
class ApiKeyCreated:
    key: str = strawberry.field(
        description="The secret: send it as `Authorization: Bearer <key>`. It is stored only "
        "as a hash and cannot be shown again."
    )
    api_key: ApiKey = strawberry.field(description="The key's details.")


@strawberry.input(description="A new API key.")
class CreateApiKeyInput:
    name: str = strawberry.field(description="What the key is for (1–100 characters).")
    scopes: list[ApiKeyScope] = strawberry.field(description="What the key may do.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the key stops working (within a year); null: never."
    )
