"""How deep, how aliased and how costly a GraphQL document is: one walk over its selections.

Cost: every field weighs 1; a list multiplies what is under it by its expected length — the
`first` argument of the connection above it (its default when not given, capped at the page
maximum), or a fixed factor for lists without one (`Event.tags`, `Query.days`). Introspection
fields (`__schema`, `__type`, `__typename`) are free: their size is bounded by the schema.
Fragments are measured once per page size, and cycles cut (validation reports them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from fc_common.pagination import MAX_PAGE_SIZE
from graph_gateway.types.arguments import DEFAULT_PAGE_SIZE

# The length expected of a list without a `first` argument (`Event.tags`, `Query.days`).
LIST_FACTOR = 5


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
    ) -> None:
        self.schema = schema
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
                multiplier = page_size if page_size is not None else LIST_FACTOR
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
            return DEFAULT_PAGE_SIZE
        # Over the cap is the resolver's BAD_USER_INPUT, not a cost refusal.
        return min(value, MAX_PAGE_SIZE)


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
) -> DocumentMeasure:
    """Depth, aliases and cost of a document (the worst operation's depth and cost)."""
    walker = _Walker(schema, document, variables or {})
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
