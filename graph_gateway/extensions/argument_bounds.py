"""The edge check: every string argument and input field within its length bound, before any call.

Run once per request, after validation and before execution, over the arguments of the
operation that will run — literals and variables alike, inside input objects and lists. A value
over its bound is `BAD_USER_INPUT` naming the argument or input field, so nothing oversized is
ever forwarded to a service (in a body or a URL). Bounds come from the SPEC's validation rules
where it has one; every other string gets a generous bound, and every `ID` a short one.

The same step refuses a document with several operations and no `operationName` (GraphQL spec,
"GetOperation": a request must say which one to run).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from graph_gateway.accounts.models import (
    MAX_API_KEY_NAME_LENGTH,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_EMAIL_LENGTH,
)
from graph_gateway.accounts.password_policy import MAX_PASSWORD_LENGTH
from graph_gateway.errors import BadUserInputError

DEFAULT_MAX_CHARS = 2_000
ID_MAX_CHARS = 32
CURSOR_MAX_CHARS = 256
TIME_ZONE_MAX_CHARS = 64
# Far above a real one (`fcr_` and 43 base-64 characters): room to change the format.
REFRESH_TOKEN_MAX_CHARS = 256

# "Type.field" for input fields, "Type.field.argument" for arguments.
MAX_CHARS: Mapping[str, int] = {
    "TagInput.name": 50,
    "TagInput.color": 7,
    **{f"{t}EventInput.{f}": n for t in ("Create", "Update") for f, n in (
        ("title", 200), ("description", 5_000), ("location", 300))},
    **{f"{t}DiaryEntryInput.{f}": n for t in ("Create", "Update") for f, n in (
        ("title", 200), ("content", 20_000))},
    "Mutation.signUp.email": MAX_EMAIL_LENGTH,
    "Mutation.signUp.password": MAX_PASSWORD_LENGTH,
    "Mutation.signUp.displayName": MAX_DISPLAY_NAME_LENGTH,
    "Mutation.logIn.email": MAX_EMAIL_LENGTH,
    "Mutation.logIn.password": MAX_PASSWORD_LENGTH,
    "Mutation.signUp.timeZone": TIME_ZONE_MAX_CHARS,
    "Mutation.refreshToken.refreshToken": REFRESH_TOKEN_MAX_CHARS,
    "Mutation.changePassword.currentPassword": MAX_PASSWORD_LENGTH,
    "Mutation.changePassword.newPassword": MAX_PASSWORD_LENGTH,
    "Mutation.deleteAccount.password": MAX_PASSWORD_LENGTH,
    "UpdateMeInput.displayName": MAX_DISPLAY_NAME_LENGTH,
    "UpdateMeInput.timeZone": TIME_ZONE_MAX_CHARS,
    "CreateApiKeyInput.name": MAX_API_KEY_NAME_LENGTH,
    "Query.days.timeZone": TIME_ZONE_MAX_CHARS,
    "Query.events.search": 200,
    **{f"{parent}.after": CURSOR_MAX_CHARS for parent in (
        "Query.events", "Query.diaryEntries", "Tag.events", "Tag.diaryEntries")},
}  # fmt: skip

MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."


def max_chars(coordinate: str, named_type: GraphQLNamedType) -> int | None:
    """The bound of a string at `coordinate`; None when the type is not a string type."""
    if not isinstance(named_type, GraphQLScalarType) or named_type.name not in ("String", "ID"):
        return None  # Date, DateTime and enums are read strictly by their own parsers
    default = ID_MAX_CHARS if named_type.name == "ID" else DEFAULT_MAX_CHARS
    return MAX_CHARS.get(coordinate, default)


def _strings(
    value: ValueNode | Any,
    type_: GraphQLInputType,
    coordinate: str,
    variables: Mapping[str, Any],
) -> Iterator[tuple[str, str, GraphQLNamedType]]:
    """Every string in a value (an AST literal or a variable's JSON) with its coordinate."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(value, VariableNode):
        value = variables.get(value.name.value)
    if isinstance(type_, GraphQLList):
        items = value.values if isinstance(value, ListValueNode) else value
        for item in items if isinstance(items, list | tuple) else [items]:
            yield from _strings(item, type_.of_type, coordinate, variables)
    elif isinstance(type_, GraphQLInputObjectType):
        if isinstance(value, ObjectValueNode):
            pairs: list[tuple[str, Any]] = [(f.name.value, f.value) for f in value.fields]
        else:
            pairs = list(value.items()) if isinstance(value, dict) else []
        for name, child in pairs:
            if name in type_.fields:
                field_coordinate = f"{type_.name}.{name}"
                yield from _strings(child, type_.fields[name].type, field_coordinate, variables)
    else:
        text = value.value if isinstance(value, StringValueNode) else value
        if isinstance(text, str):
            yield text, coordinate, get_named_type(type_)


def _fields(
    schema: GraphQLSchema, document: Any, operation: OperationDefinitionNode
) -> Iterator[tuple[GraphQLObjectType, FieldNode]]:
    """Every field the operation selects, with its parent type (fragments visited once)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    pending: list[tuple[GraphQLNamedType | None, SelectionSetNode]] = [
        (root, operation.selection_set)
    ]
    seen: set[str] = set()
    while pending:
        parent, selection_set = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not isinstance(parent, GraphQLObjectType):
                    continue
                definition = parent.fields.get(selection.name.value)
                if definition is None:
                    continue  # __typename and the introspection fields
                yield parent, selection
                if selection.selection_set is not None:
                    pending.append((get_named_type(definition.type), selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                pending.append((target, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    seen.add(name)
                    fragment = fragments[name]
                    target = schema.get_type(fragment.type_condition.name.value)
                    pending.append((target, fragment.selection_set))


def oversized_argument(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> GraphQLError | None:
    """The error for the first string over its bound in the operation's arguments, if any."""
    for parent, field in _fields(schema, document, operation):
        definition = parent.fields[field.name.value]
        for argument in field.arguments or ():
            name = argument.name.value
            if name not in definition.args:
                continue
            coordinate = f"{parent.name}.{field.name.value}.{name}"
            arg_type = definition.args[name].type
            for text, where, named in _strings(argument.value, arg_type, coordinate, variables):
                limit = max_chars(where, named)
                if limit is not None and len(text) > limit:
                    input_name = where.rsplit(".", 1)[-1]
                    return _error(
                        f"`{input_name}` must be at most {limit} characters",
                        input_name,
                        argument,
                    )
    return None


def _error(message: str, field: str, node: Node) -> GraphQLError:
    return GraphQLError(
        message, nodes=[node], original_error=BadUserInputError(message, field=field)
    )


class ArgumentBoundsExtension(SchemaExtension):
    """Refuse oversized arguments and ambiguous multi-operation documents before execution."""

    def on_validate(self) -> Iterator[None]:
        """Check a document that passed validation (list this after the validation step)."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors == []:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1 and context._provided_operation_name is None:
                context.pre_execution_errors = [GraphQLError(MULTIPLE_OPERATIONS)]
            else:
                name = context._provided_operation_name
                chosen = next(
                    (o for o in operations if name is None or (o.name and o.name.value == name)),
                    None,
                )
                if chosen is not None:
                    error = oversized_argument(
                        context.schema._schema, document, chosen, context.variables or {}
                    )
                    if error is not None:
                        context.pre_execution_errors = [error]
        yield
