"""Refuse hostile GraphQL documents before they cost anything: `QUERY_TOO_COMPLEX`.

Checked in order, each before any resolver (and so any upstream call) runs: document size in
characters (before lexing), lexical tokens (while parsing), then depth, aliases and estimated
cost in one walk over the parsed document (`query_cost.py`), before the standard validation
rules (some of which, like overlapping-fields checks, are quadratic in the number of fields).
Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` count the same things in walks of their
own, and have no cost that knows `first`: one walk here does all three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from graphql import GraphQLError, GraphQLSyntaxError, TokenKind
from graphql.language import Lexer, Source
from strawberry.extensions import SchemaExtension

from graph_gateway.errors import QueryTooComplexError
from graph_gateway.extensions.query_cost import DocumentMeasure, measure_document
from graph_gateway.settings import GatewaySettings


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """The ceilings a document must stay under."""

    max_document_chars: int = 32_768
    max_tokens: int = 2_000
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> QueryLimits:
        """The document limits the settings set."""
        return cls(
            max_document_chars=settings.max_query_chars,
            max_tokens=settings.max_query_tokens,
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_query_aliases,
            max_cost=settings.max_query_cost,
        )


def check_measure(measure: DocumentMeasure, limits: QueryLimits) -> None:
    """Raise `QueryTooComplexError` for the first limit the measure crosses."""
    if measure.depth > limits.max_depth:
        raise QueryTooComplexError("depth", limits.max_depth, measure.depth)
    if measure.aliases > limits.max_aliases:
        raise QueryTooComplexError("aliases", limits.max_aliases, measure.aliases)
    if measure.cost > limits.max_cost:
        raise QueryTooComplexError("cost", limits.max_cost, measure.cost)


def size_violation(query: str, limits: QueryLimits) -> QueryTooComplexError | None:
    """The document-size or token limit a source crosses, if any (tokens counted only if needed)."""
    if len(query) > limits.max_document_chars:
        return QueryTooComplexError("document_size", limits.max_document_chars, len(query))
    tokens = _count_tokens(query)
    if tokens > limits.max_tokens:
        return QueryTooComplexError("tokens", limits.max_tokens, tokens)
    return None


def _count_tokens(query: str) -> int:
    """Lexical tokens in a (size-limited) document, up to the first lexing error."""
    lexer = Lexer(Source(query))
    count = 0
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            if lexer.token.kind is not TokenKind.COMMENT:
                count += 1
    except GraphQLSyntaxError:
        pass
    return count


class QueryLimitsExtension(SchemaExtension):
    """Apply `QueryLimits` while parsing and before validation."""

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits

    def on_parse(self) -> Iterator[None]:
        """Parse under the size and token limits; name a refusal QUERY_TOO_COMPLEX."""
        context = self.execution_context
        # graphql-core refuses an over-long source before lexing it, and stops lexing at the
        # token limit; it reports both as syntax errors, which are named for what they are here.
        options = cast(dict[str, Any], context.parse_options)  # newer options than its TypedDict
        options["max_source_length"] = self.limits.max_document_chars
        options["max_lexical_tokens"] = self.limits.max_tokens
        yield
        errors = context.pre_execution_errors
        if context.graphql_document is None and context.query and errors and len(errors) == 1:
            violation = size_violation(context.query, self.limits)
            if violation is not None:
                # Strawberry has already put this error object in the result: give it its cause.
                errors[0].original_error = violation

    def on_validate(self) -> Iterator[None]:
        """Refuse by depth, aliases or cost before the standard rules run."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            try:
                check_measure(
                    measure_document(schema, document, variables=context.variables),
                    self.limits,
                )
            except QueryTooComplexError as error:
                context.pre_execution_errors = [GraphQLError(error.message, original_error=error)]
        yield


def query_limits_extension(limits: QueryLimits) -> Callable[[], QueryLimitsExtension]:
    """A per-request factory for `Schema(extensions=[...])` (shared instances are deprecated)."""
    return lambda: QueryLimitsExtension(limits)
