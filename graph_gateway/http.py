"""The `/graphql` HTTP endpoint: GraphQL over HTTP as the spec wants it, and offline GraphiQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from fastapi import APIRouter
from strawberry.fastapi import GraphQLRouter

GRAPHQL_PATH = "/graphql"


def make_graphql_router(
    schema: strawberry.Schema,
    *,
    context_getter: Callable[..., Awaitable[Any]],
    settings: Any,
) -> APIRouter:
    """Build the router serving the schema at `/graphql` (POST, and GET for queries)."""
    del settings  # used once the offline GraphiQL lands
    router: GraphQLRouter[Any, None] = GraphQLRouter(
        schema,
        path=GRAPHQL_PATH,
        context_getter=context_getter,
        graphql_ide=None,
        multipart_uploads_enabled=True,
    )
    return router
