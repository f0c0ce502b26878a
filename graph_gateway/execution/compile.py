"""Build an operation's plan from graphql-core's own field collection, once per document.

Fields are grouped by `collect_fields`/`collect_subfields` exactly as graphql-core groups them
(aliases, fragments, type conditions, `@skip`/`@include` with the request's values, which the
plan's key holds). Anything the plan does not cover raises `Unsupported`: introspection,
subscriptions, abstract types, `is_type_of` checks, fragment variables, incremental delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    OperationType,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)

from graph_gateway.execution.complete import (
    leaf_completer,
    leaf_serializer,
    list_completer,
    non_null_completer,
    object_completer,
)
from graph_gateway.execution.direct import direct_resolver
from graph_gateway.execution.plan import (
    ATTR,
    LEAF_ATTR,
    RESOLVE,
    TYPENAME,
    Completer,
    FieldPlan,
    OperationPlan,
    Unsupported,
)
from graph_gateway.extensions.plain_fields import attribute_resolver

if TYPE_CHECKING:
    from graph_gateway.execution.executor import PlannedExecutor

# Scalars whose output coercion returns a value of this exact type unchanged.
_FAST_TYPES: dict[str, type] = {
    GraphQLString.name: str,
    GraphQLID.name: str,
    GraphQLBoolean.name: bool,
}
_ATTRIBUTE_RESOLVER = attribute_resolver("_").__qualname__
_DEFINITION = "strawberry-definition"


def compile_operation(ex: PlannedExecutor) -> OperationPlan:
    """The plan of the executor's operation, for its `@skip`/`@include` values."""
    operation = ex.operation
    if operation.operation not in (OperationType.QUERY, OperationType.MUTATION):
        raise Unsupported(operation.operation.value)
    if not ex.error_propagation or any(d.variable_signatures for d in ex.fragments.values()):
        raise Unsupported("error propagation off, or fragment variables")
    root_type = ex.schema.get_root_type(operation.operation)
    if root_type is None:
        raise Unsupported("no root type")
    try:
        collected = collect_fields(
            ex.schema, ex.fragments, ex.variable_values, root_type, operation, ex.hide_suggestions
        )
        fields = _fields(ex, root_type, collected)
    except RecursionError as exc:
        raise Unsupported("nested too deeply") from exc
    return OperationPlan(root_type, fields, operation.operation == OperationType.MUTATION)


def _fields(ex: PlannedExecutor, parent: GraphQLObjectType, collected: Any) -> list[FieldPlan]:
    grouped: GroupedFieldSet = collected.grouped_field_set
    if collected.new_defer_usages or collected.forbidden_directive_instances:
        raise Unsupported("incremental delivery")
    return [
        plan
        for name, details in grouped.items()
        if (plan := _field(ex, parent, name, details)) is not None
    ]


def _field(
    ex: PlannedExecutor, parent: GraphQLObjectType, name: str, details: FieldDetailsList
) -> FieldPlan | None:
    node = details[0].node
    field_name = node.name.value
    if field_name == "__typename":
        return FieldPlan(name, TYPENAME, parent, details, GraphQLNonNull(GraphQLString),
                         typename=parent.name)  # fmt: skip
    if field_name.startswith("__"):
        raise Unsupported("introspection")
    if any(d.fragment_variable_values or d.defer_usage for d in details):
        raise Unsupported("fragment variables or defer")
    field_def = parent.fields.get(field_name)
    if field_def is None:
        return None  # graphql-core leaves an unknown field out too
    return_type = field_def.type
    null_message = f"Cannot return null for non-nullable field {parent}.{field_name}."
    plan = FieldPlan(
        name, RESOLVE, parent, details, return_type, field_def=field_def,
        nodes=[d.node for d in details], null_message=null_message,
        non_null=isinstance(return_type, GraphQLNonNull),
        has_args=bool(field_def.args or node.arguments),
    )  # fmt: skip
    attr = _plain_attribute(field_def)
    if attr is None:
        plan.resolve = (
            direct_resolver(ex.schema, field_def) or field_def.resolve or ex.field_resolver
        )
    else:
        plan.kind, plan.attr = ATTR, attr
        nullable = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if is_leaf_type(nullable):
            plan.kind = LEAF_ATTR
            plan.serialize = leaf_serializer(nullable)
            plan.fast_type = _FAST_TYPES.get(nullable.name)
    plan.complete = _completer(ex, plan, return_type, items_may_await=attr is None)
    return plan


def _plain_attribute(field_def: Any) -> str | None:
    """The attribute a plain field reads (`plain_fields.attribute_resolver`), else None."""
    resolve = field_def.resolve
    definition = (field_def.extensions or {}).get(_DEFINITION)
    if (
        resolve is not None
        and definition is not None
        and getattr(resolve, "__qualname__", None) == _ATTRIBUTE_RESOLVER
        and resolve.__name__ == f"attribute_{definition.python_name}"
    ):
        return str(definition.python_name)
    return None


def _completer(
    ex: PlannedExecutor, plan: FieldPlan, of: GraphQLOutputType, *, items_may_await: bool
) -> Completer:
    if isinstance(of, GraphQLNonNull):
        inner = _completer(ex, plan, of.of_type, items_may_await=items_may_await)
        return non_null_completer(inner, plan.null_message)
    if isinstance(of, GraphQLList):
        item_type = of.of_type
        item_named = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        return list_completer(
            _completer(ex, plan, item_type, items_may_await=items_may_await),
            item_type,
            plan.details,
            "Expected Iterable, but did not find one for field"
            f" '{plan.parent}.{plan.details[0].node.name.value}'.",
            items_may_await=items_may_await,
            items_need_path=not is_leaf_type(item_named),
        )
    if is_leaf_type(of):
        return leaf_completer(leaf_serializer(of), _FAST_TYPES.get(of.name))
    if not isinstance(of, GraphQLObjectType) or of.is_type_of is not None:
        raise Unsupported(f"abstract or checked type {get_named_type(of)}")
    collected = collect_subfields(
        ex.schema, ex.fragments, ex.variable_values, ex.operation, of, plan.details,
        ex.hide_suggestions,
    )  # fmt: skip
    return object_completer(_fields(ex, of, collected))
