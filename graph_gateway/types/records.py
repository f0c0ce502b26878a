"""GraphQL objects read from a record's same-named attributes, not copied field by field."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def from_attributes(cls: type[T], record: object, **given: object) -> T:
    """A `cls` (a Strawberry type) whose fields are `record`'s same-named attributes, except
    the values `given` for fields that differ in name or form (the GraphQL id, an enum list)."""
    values = {
        f.name: getattr(record, f.name) for f in fields(cls) if f.init and f.name not in given
    }
    return cls(**values, **given)
