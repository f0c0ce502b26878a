"""Refuse hostile GraphQL documents before they cost anything: `QUERY_TOO_COMPLEX`.

Checked in order, each before any resolver (and so any upstream call) runs: document size in
characters (before lexing), lexical tokens (while parsing), then depth, aliases and estimated
cost in one walk over the parsed document, before the standard validation rules (some of which,
like overlapping-fields checks, are quadratic in the number of fields).

Cost: every field weighs 1; a list multiplies what is under it by its expected length — the
`first` argument of the connection above it (its default when not given, capped at the page
maximum), or a fixed factor for lists without one (`Event.tags`, `Query.days`). Introspection
fields (`__schema`, `__type`, `__typename`) are free: their size is bounded by the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TokenKind,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.language import Lexer, Source
from strawberry.extensions import SchemaExtension

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """The ceilings a document must stay under."""

    max_document_chars: int = 32_768
    max_tokens: int = 2_000
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 50_000
    default_page_size: int = 20
    max_page_size: int = 100
    list_factor: int = 5


class QueryTooComplexError(GraphQLError):
    """A document over one of the limits; `extensions` name the limit, the maximum and the value."""

    def __init__(self, limit: str, maximum: int, actual: int) -> None:
        super().__init__(
            f"Query is too complex: {limit} is {actual}, over the limit of {maximum}",
            extensions={
                "code": QUERY_TOO_COMPLEX,
                "limit": limit,
                "max": maximum,
                "actual": actual,
            },
        )
        self.limit = limit


@dataclass(frozen=True, slots=True)
class DocumentMeasure:
    """How deep, how aliased and how costly a document is."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def beside(self, other: DocumentMeasure) -> DocumentMeasure:
        """Two sibling selections: the deeper depth, the summed aliases and cost."""
        return DocumentMeasure(
            max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost
        )


class _Walker:
    """Measure selections; fragments are measured once per page size, and cycles cut."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        limits: QueryLimits,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.variables = dict(variables)
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, int | None], DocumentMeasure] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                for var in definition.variable_definitions or ():
                    name = var.variable.name.value
                    if name not in self.variables and isinstance(var.default_value, IntValueNode):
                        self.variables[name] = int(var.default_value.value)

    def operation(self, node: OperationDefinitionNode) -> DocumentMeasure:
        root = self.schema.get_root_type(node.operation)
        return self.selections(node.selection_set, root, None, frozenset())

    def selections(
        self,
        node: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        page_size: int | None,
        visiting: frozenset[str],
    ) -> DocumentMeasure:
        total = DocumentMeasure()
        for selection in node.selections if node is not None else ():
            if isinstance(selection, FieldNode):
                measure = self.field(selection, parent, page_size, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                measure = self.selections(selection.selection_set, scope, page_size, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                measure = self.spread(selection.name.value, page_size, visiting)
            else:  # pragma: no cover - no other selection kinds exist
                continue
            total = total.beside(measure)
        return total

    def spread(self, name: str, page_size: int | None, visiting: frozenset[str]) -> DocumentMeasure:
        fragment = self.fragments.get(name)
        if fragment is None or name in visiting:
            return DocumentMeasure()  # validation reports unknown fragments and cycles
        key = (name, page_size)
        if key not in self._memo:
            scope = self.schema.get_type(fragment.type_condition.name.value)
            self._memo[key] = self.selections(
                fragment.selection_set, scope, page_size, visiting | {name}
            )
        return self._memo[key]

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        page_size: int | None,
        visiting: frozenset[str],
    ) -> DocumentMeasure:
        aliases = 1 if node.alias is not None else 0
        if node.name.value.startswith("__"):
            return DocumentMeasure(aliases=aliases)
        definition = _field_definition(parent, node.name.value)
        multiplier = 1
        child_type: GraphQLNamedType | None = None
        if definition is not None:
            child_type = get_named_type(definition.type)
            if is_list_type(get_nullable_type(definition.type)):
                multiplier = page_size if page_size is not None else self.limits.list_factor
        children = self.selections(
            node.selection_set, child_type, self.page_size(node, definition), visiting
        )
        return DocumentMeasure(
            depth=1 + children.depth,
            aliases=aliases + children.aliases,
            cost=multiplier * (1 + children.cost),
        )

    def page_size(self, node: FieldNode, definition: GraphQLField | None) -> int | None:
        """The `first` a connection field will be asked for (None for fields without one)."""
        if definition is None or "first" not in definition.args:
            return None
        value: object = definition.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return self.limits.default_page_size
        # Over the cap is the resolver's BAD_USER_INPUT, not a cost refusal.
        return min(value, self.limits.max_page_size)


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def measure_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: Mapping[str, Any] | None = None,
    limits: QueryLimits | None = None,
) -> DocumentMeasure:
    """Depth, aliases and cost of a document (the worst operation's depth and cost)."""
    walker = _Walker(schema, document, variables or {}, limits or QueryLimits())
    worst = DocumentMeasure()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            measure = walker.operation(definition)
            worst = DocumentMeasure(
                max(worst.depth, measure.depth),
                worst.aliases + measure.aliases,
                max(worst.cost, measure.cost),
            )
    return worst


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
                # Strawberry has already put this error object in the result: amend it in place.
                errors[0].message = violation.message
                errors[0].extensions = violation.extensions

    def on_validate(self) -> Iterator[None]:
        """Refuse by depth, aliases or cost before the standard rules run."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            try:
                check_measure(
                    measure_document(
                        schema, document, variables=context.variables, limits=self.limits
                    ),
                    self.limits,
                )
            except QueryTooComplexError as error:
                context.pre_execution_errors = [error]
        yield


def query_limits_extension(limits: QueryLimits) -> Callable[[], QueryLimitsExtension]:
    """A per-request factory for `Schema(extensions=[...])` (shared instances are deprecated)."""
    return lambda: QueryLimitsExtension(limits)
