"""Resolve plain fields (no resolver of their own) with one attribute read.

Strawberry resolves a field without a resolver through two wrapper calls that end in
`getattr(source, python_name)`; graphql-core calls a field's resolver for every field of every
object, so on a page of 100 events with their tags that was ~1,300 times per request. Reading
the attribute directly does the same with one call (`make bench`: gateway CPU for
`events(first: 100)` ~10 % lower).

Only Strawberry's own plain-field resolver is replaced: a field with a resolver, permission
classes, field extensions or exception handlers keeps Strawberry's path. If a Strawberry
upgrade renames that resolver, nothing is replaced (slower, never wrong), and the test says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType
from strawberry.types.field import StrawberryField

# What Strawberry names the resolver it gives a plain field (strawberry/schema/schema_converter.py).
_STRAWBERRY_PLAIN_RESOLVER = "_get_basic_result"
_DEFINITION = "strawberry-definition"


def attribute_resolver(name: str) -> Any:
    """A graphql-core resolver returning `source.<name>`."""

    def resolve(source: Any, _info: Any) -> Any:
        return getattr(source, name)

    resolve.__name__ = f"attribute_{name}"
    return resolve


def strawberry_fields(schema: strawberry.Schema) -> Iterator[tuple[GraphQLField, StrawberryField]]:
    """Each field of the schema's own object types, with the Strawberry field it was made from."""
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get(_DEFINITION)
            if isinstance(definition, StrawberryField):
                yield field, definition


def read_plain_fields_directly(schema: strawberry.Schema) -> int:
    """Give every plain object field an attribute resolver; how many were replaced."""
    replaced = 0
    for field, definition in strawberry_fields(schema):
        if (
            definition.is_basic_field
            and getattr(field.resolve, "__name__", None) == _STRAWBERRY_PLAIN_RESOLVER
        ):
            field.resolve = attribute_resolver(definition.python_name)
            replaced += 1
    return replaced
