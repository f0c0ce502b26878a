"""The response cache as the request sees it: which requests it serves, and under which key.

A request is served from (and its answer kept in) the cache only when it is a query of
calendar or diary data (`scope.py`) by a signed-in user, without an `Idempotency-Key` and not
an upload. Its key holds everything the answer depends on besides the user's data: the user,
the document text (after persisted-query lookup), the operation name, the variables as
canonical JSON, the user's time zone (days and event dates are local to it) and, when the
answer holds signed image URLs, the request's base URL (they start with it), hashed; then the
generations of what it reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from graphql import DocumentNode, GraphQLSchema

from graph_gateway.response_cache.scope import Scope, Scopes
from graph_gateway.response_cache.store import ResponseStore
from graph_gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class Request:
    """What of one GraphQL request the key is made of."""

    user_id: int
    time_zone: str
    base_url: str  # empty when the answer holds no URL
    query: str
    operation_name: str | None
    variables: dict[str, object] | None


def digest_of(request: Request) -> str | None:
    """The SHA-256 naming the request's answer; None when its variables are not plain JSON."""
    try:
        variables = orjson.dumps(request.variables or {}, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return None
    parts = (
        str(request.user_id).encode(),
        request.time_zone.encode(),
        request.base_url.encode(),
        (request.operation_name or "").encode(),
        request.query.encode(),
        variables,
    )
    hashed = hashlib.sha256()
    for part in parts:
        # Length-prefixed, so no two different requests join into the same bytes.
        hashed.update(len(part).to_bytes(8, "big"))
        hashed.update(part)
    return hashed.hexdigest()


class ResponseCache:
    """The store, the scope of each document, and the size limit of an answer."""

    def __init__(self, store: ResponseStore, *, max_entry_bytes: int) -> None:
        self.store = store
        self.max_entry_bytes = max_entry_bytes
        self._scopes: Scopes | None = None

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> ResponseCache | None:
        """The cache `GATEWAY_RESPONSE_CACHE_*` describe; None when it is off."""
        store = ResponseStore.from_settings(settings)
        if store is None:
            return None
        return cls(store, max_entry_bytes=settings.response_cache_max_entry_bytes)

    def scope(
        self, schema: GraphQLSchema, query: str, document: DocumentNode, operation: str | None
    ) -> Scope:
        """How the cache treats this operation (remembered per document text)."""
        if self._scopes is None or self._scopes.schema is not schema:
            self._scopes = Scopes(schema)
        return self._scopes.of(query, document, operation)

    async def aclose(self) -> None:
        """Close the store's connections (at shutdown)."""
        await self.store.aclose()
