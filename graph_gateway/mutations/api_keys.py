"""`createApiKey` and `revokeApiKey` (a session's token required: keys cannot manage keys)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from anyio import to_thread

from graph_gateway.types.api_key import ApiKey, ApiKeyCreated, CreateApiKeyInput
from graph_gateway.types.arguments import describe, target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.info import Info

KeyId = Annotated[strawberry.ID, describe("The key.")]


@strawberry.type
class ApiKeyMutations:
    """Make and revoke personal API keys."""

    @mutation("Make an API key; its secret is in the answer, and never shown again.")
    async def create_api_key(
        self, info: Info, input: Annotated[CreateApiKeyInput, describe("The new key.")]
    ) -> ApiKeyCreated:
        principal = info.context.session_principal
        api_keys = info.context.services.accounts.api_keys
        created = await to_thread.run_sync(
            lambda: api_keys.create(
                user_id=principal.user_id,
                name=input.name,
                scopes=[scope.value for scope in input.scopes],
                expires_at=input.expires_at,
            )
        )
        return ApiKeyCreated(key=created.secret, api_key=ApiKey.from_row(created.row))

    @mutation("Revoke one of the user's API keys: it stops working within a second.")
    async def revoke_api_key(self, info: Info, id: KeyId) -> strawberry.ID:
        principal = info.context.session_principal
        key_id = target_id(id, kind="API key")
        services = info.context.services
        await to_thread.run_sync(
            lambda: services.accounts.api_keys.revoke(user_id=principal.user_id, key_id=key_id)
        )
        services.accounts.authenticator.forget_user(principal.user_id)
        return id
