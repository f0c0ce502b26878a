"""Call a Strawberry resolver's own function, without Strawberry's per-call wrapper.

For a resolver field, Strawberry's wrapper (`schema_converter.from_resolver`) builds the `Info`,
converts arguments, runs field extensions and exception handlers, then calls the function. For
a field with no arguments, extensions, permission classes or exception handlers, all that
reduces to building the `Info` and passing `self`/`root`/`parent`/`info`: done here once per
call, with the request deadline (`deadline.within_deadline`) kept exactly where
`bound_async_resolvers` put it. Any other field keeps its resolver as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import isawaitable
from typing import Any, cast

from graphql import GraphQLField, GraphQLResolveInfo, GraphQLSchema
from strawberry.types.field import StrawberryField

from graph_gateway.extensions.deadline import within_deadline

# The names Strawberry (and the deadline wrapper around it) give the resolvers they build.
_SYNC, _ASYNC, _BOUNDED = "_resolver", "_async_resolver", "bounded__async_resolver"
_DEFINITION = "strawberry-definition"


def direct_resolver(schema: GraphQLSchema, field: GraphQLField) -> Callable[..., Any] | None:
    """A resolver equivalent to `field.resolve` that skips Strawberry's wrapper, or None."""
    definition = (field.extensions or {}).get(_DEFINITION)
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    name = getattr(field.resolve, "__name__", None)
    expected = (_ASYNC, _BOUNDED) if getattr(definition, "is_async", False) else (_SYNC,)
    if (
        not isinstance(definition, StrawberryField)
        or strawberry_schema is None
        or definition.base_resolver is None
        or definition.extensions
        or definition.arguments
        or field.args
        or strawberry_schema.exception_handlers
        or name not in expected
        or isinstance(definition.base_resolver.wrapped_func, staticmethod | classmethod)
    ):
        return None
    resolver = definition.base_resolver
    function = cast("Callable[..., Any]", resolver.wrapped_func)
    info_class = strawberry_schema.config.info_class
    pass_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    source_names = [p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p]
    bounded = name == _BOUNDED

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        kwargs: dict[str, Any] = dict.fromkeys(source_names, source)
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=definition)
        result = function(source, **kwargs) if pass_self else function(**kwargs)
        if bounded and isawaitable(result):
            return within_deadline(result)
        return result

    resolve.__name__ = f"direct_{definition.python_name}"
    return resolve
