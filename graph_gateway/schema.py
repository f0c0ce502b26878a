"""The gateway's GraphQL schema: the root types, the extensions list, and error logging."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graph_gateway.api_key_scopes import ApiKeyScopeExtension
from graph_gateway.errors import ErrorCodesExtension, log_errors
from graph_gateway.field_deadline import bound_async_resolvers
from graph_gateway.hardening import guard_extensions
from graph_gateway.mutations.accounts import AccountMutations
from graph_gateway.mutations.api_keys import ApiKeyMutations
from graph_gateway.mutations.diary import DiaryMutations
from graph_gateway.mutations.events import EventMutations
from graph_gateway.mutations.export import ExportMutations
from graph_gateway.mutations.images import ImageMutations
from graph_gateway.mutations.sessions import SessionMutations
from graph_gateway.mutations.tags import TagMutations
from graph_gateway.observability.extension import observability_extension
from graph_gateway.plain_fields import read_plain_fields_directly
from graph_gateway.rate_limit import RateLimiter
from graph_gateway.settings import GatewaySettings
from graph_gateway.types.query import Query
from graph_gateway.types.scalars import SCALAR_OVERRIDES

Mutation = merge_types(
    "Mutation",
    (
        AccountMutations,
        SessionMutations,
        ApiKeyMutations,
        ExportMutations,
        TagMutations,
        EventMutations,
        DiaryMutations,
        ImageMutations,
    ),
)


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema, logging errors our way: user errors quietly, bugs with tracebacks."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what deserves it (called before `ErrorCodesExtension` rewrites the errors)."""
        log_errors(errors)


def schema_extensions(
    settings: GatewaySettings, rate_limiter: RateLimiter | None = None
) -> list[type[SchemaExtension] | Any]:
    """Every schema extension, in order. Hooks exit in reverse order, so the error codes come
    early: they see every error the others add. Only the persisted-query lookup and the request
    guard precede them: a request they refuse (unknown hash, rate limit) must cost nothing else,
    and their errors are already in final form. The API key scope check follows the error
    codes, so its refusal gets its code like any other. Observability is outermost: its
    timings hold everything else, and the errors it counts are final."""
    first, then = guard_extensions(settings, rate_limiter)
    observability = observability_extension(metrics=settings.metrics_port != 0)
    return [*observability, *first, ErrorCodesExtension, ApiKeyScopeExtension, *then]


def build_schema(
    settings: GatewaySettings, *, rate_limiter: RateLimiter | None = None
) -> GatewaySchema:
    """The schema served at `/graphql`."""
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=schema_extensions(settings, rate_limiter),
        scalar_overrides=SCALAR_OVERRIDES,
    )
    read_plain_fields_directly(schema)
    bound_async_resolvers(schema)
    return schema
