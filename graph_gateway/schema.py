"""The gateway's GraphQL schema: the root types, the pipeline of extensions, and error codes."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graph_gateway.errors import Phase, client_error
from graph_gateway.execution.executor import PlanSwitch, planned_executor
from graph_gateway.extensions.api_key_scopes import ApiKeyScopeExtension
from graph_gateway.extensions.argument_bounds import ArgumentBoundsExtension
from graph_gateway.extensions.deadline import bound_async_resolvers, request_deadline_extension
from graph_gateway.extensions.document_cache import DocumentCache, document_cache_extension
from graph_gateway.extensions.persisted_queries import (
    PersistedQueryStore,
    persisted_query_extension,
)
from graph_gateway.extensions.plain_fields import read_plain_fields_directly
from graph_gateway.extensions.query_limits import QueryLimits, query_limits_extension
from graph_gateway.extensions.rate_limit import RateLimitExtension
from graph_gateway.extensions.request_log import RequestLogExtension
from graph_gateway.mutations.accounts import AccountMutations
from graph_gateway.mutations.api_keys import ApiKeyMutations
from graph_gateway.mutations.diary import DiaryMutations
from graph_gateway.mutations.events import EventMutations
from graph_gateway.mutations.export import ExportMutations
from graph_gateway.mutations.images import ImageMutations
from graph_gateway.mutations.sessions import SessionMutations
from graph_gateway.mutations.tags import TagMutations
from graph_gateway.observability.error_log import log_errors
from graph_gateway.observability.extension import observability_extension
from graph_gateway.response_cache.extension import ResponseCacheExtension
from graph_gateway.settings import GatewaySettings
from graph_gateway.types.query import Query
from graph_gateway.types.scalars import SCALAR_OVERRIDES

Extension = Callable[[], SchemaExtension] | type[SchemaExtension]

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
    """Strawberry's schema, with the gateway's error codes and error log."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log the errors (user errors quietly, bugs with tracebacks), then give each its code.

        Strawberry calls this once for every list of errors an answer gets, whatever raised
        them (parsing, validation, an extension's refusal, a resolver), before the extensions'
        hooks see the result: so the errors they count, and the client reads, are final.
        """
        log_errors(errors)
        phase = _phase(execution_context)
        errors[:] = [client_error(error, phase) for error in errors]


def _phase(context: ExecutionContext | None) -> Phase:
    """Which step the errors come from: no document yet, no result yet, or execution."""
    if context is None or context.graphql_document is None:
        return "parse"
    return "validate" if context.result is None else "execute"


def schema_extensions(
    settings: GatewaySettings, document_cache: DocumentCache | None = None
) -> list[Extension]:
    """Every schema extension, in the order a request meets them.

    Each hook (operation, parse, validate, execute) enters in this order and exits in reverse,
    so an extension sees the work of those after it; one that refuses stops those after it.
    """
    production = settings.environment == "production"
    documents = DocumentCache() if document_cache is None else document_cache  # empty is falsy
    return [
        # Outermost: its timings hold everything else, and the errors it counts are final.
        *observability_extension(metrics=settings.metrics_port != 0),
        # A hash becomes its document (or is refused) before anything looks at the document.
        persisted_query_extension(PersistedQueryStore.from_settings(settings)),
        # A refused request must cost nothing else: the general and API key buckets on
        # operation start, the sign-in buckets before validation (the limiter: the context's).
        RateLimitExtension,
        # The request log line's facts: operation, caller, upstream calls.
        RequestLogExtension,
        # The time budget every upstream call and async resolver of the operation shares.
        request_deadline_extension(settings.request_deadline_s),
        # A READ API key cannot run a mutation: refused before validation.
        ApiKeyScopeExtension,
        # Size and tokens while parsing; depth, aliases and cost before validation.
        query_limits_extension(QueryLimits.from_settings(settings)),
        # After the limits: a document they refuse is never validated, nor cached.
        document_cache_extension(documents, hide_suggestions=production),
        # After validation: the arguments of a valid document, before anything runs.
        ArgumentBoundsExtension,
        # Production answers no introspection (Strawberry's own extension).
        *([DisableIntrospection] if production else []),
        # Innermost: a hit skips execution only (graph_gateway/response_cache).
        ResponseCacheExtension,
    ]


def build_schema(settings: GatewaySettings) -> GatewaySchema:
    """The schema served at `/graphql`, its plain fields read directly, every async resolver
    bounded by the request deadline, and cached documents run through their plans."""
    documents = DocumentCache()
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=schema_extensions(settings, documents),
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=planned_executor(
            PlanSwitch(documents.plans, on=settings.compiled_execution)
        ),
    )
    read_plain_fields_directly(schema)
    bound_async_resolvers(schema)
    return schema
