"""What a plan holds: per selected field, its resolver, serializer and completion, bound once.

A plan is structure only (schema objects, the document's nodes, functions): no value of any
request is ever stored in it, so every user's request can share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import FieldDetailsList

if TYPE_CHECKING:
    from graph_gateway.execution.executor import PlannedExecutor

# How a field gets its value.
TYPENAME = 0  # `__typename`: the parent type's name, known at plan time
LEAF_ATTR = 1  # a plain attribute holding a scalar or enum: read, then serialize inline
ATTR = 2  # a plain attribute holding an object or a list: read, then complete
RESOLVE = 3  # a resolver of its own: called with a ResolveInfo, as graphql-core would

Completer = Callable[["PlannedExecutor", Any, Any], Any]
"""Complete a resolved value (executor, value, path): the response value or a coroutine."""


class Unsupported(Exception):  # noqa: N818  # a signal, not an error
    """The plan does not cover this operation: graphql-core executes it instead."""


@dataclass(slots=True, eq=False)
class FieldPlan:
    """One response key of a selection set, with everything that does not depend on data."""

    name: str
    kind: int
    parent: GraphQLObjectType
    details: FieldDetailsList
    return_type: GraphQLOutputType
    field_def: GraphQLField | None = None
    nodes: list[FieldNode] | None = None
    attr: str = ""
    resolve: Callable[..., Any] | None = None
    has_args: bool = False
    complete: Completer | None = None
    non_null: bool = False
    serialize: Callable[[Any], Any] | None = None
    fast_type: type | None = None
    null_message: str = ""
    typename: str = ""


@dataclass(slots=True, eq=False)
class OperationPlan:
    """The root fields of one operation, and whether they run one after another (mutations)."""

    root_type: GraphQLObjectType
    fields: list[FieldPlan]
    serial: bool
