"""Arguments: their shared descriptions, and the checks made on them before any upstream call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from fc_common.pagination import MAX_PAGE_SIZE, MAX_ROW_ID
from graph_gateway.errors import BadUserInputError, NotFoundError

DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")

ABSENT = strawberry.UNSET
"""The default of an optional argument the contract gives no default (`after: String`)."""


def describe(description: str, name: str | None = None) -> object:
    """An argument's GraphiQL description (and its GraphQL name when Python cannot spell it)."""
    return strawberry.argument(description=description, name=name)


# The arguments many fields take, spelled once.
First = Annotated[int | None, describe("How many items to return (1–100).")]
After = Annotated[str | None, describe("The `endCursor` of the previous page.")]
EventId = Annotated[strawberry.ID, describe("The event's id.")]
TagId = Annotated[strawberry.ID, describe("The tag's id.")]
EntryId = Annotated[strawberry.ID, describe("The entry's id.")]
Password = Annotated[str, describe("The account's password.")]


def given(value: T | None) -> T | None:
    """An optional argument's value, None when it was left out."""
    return None if value is strawberry.UNSET else value


def id_or_none(value: str) -> int | None:
    """The row id a GraphQL `ID` names, or None when it cannot name any row."""
    if not (value.isascii() and value.isdigit()):
        return None
    row_id = int(value)
    return row_id if 1 <= row_id <= MAX_ROW_ID else None


def input_id(value: str, *, field: str) -> int:
    """The row id of an `ID` argument that filters or links; BAD_USER_INPUT on `field` if none."""
    row_id = id_or_none(value)
    if row_id is None:
        raise BadUserInputError(f"{value!r} is not a valid id", field=field)
    return row_id


def input_ids(values: list[str], *, field: str) -> list[int]:
    """Distinct row ids, in order, of an `[ID!]` argument; BAD_USER_INPUT on `field` if invalid."""
    return list(dict.fromkeys(input_id(v, field=field) for v in values))


def target_id(value: str, *, kind: str) -> int:
    """The row id a mutation acts on; NOT_FOUND when it cannot name any row."""
    row_id = id_or_none(value)
    if row_id is None:
        raise NotFoundError(f"No such {kind}")
    return row_id


def page_size(first: int | None) -> int:
    """`first` if within 1..100 (null means the default); else BAD_USER_INPUT on `first`."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInputError(f"first must be between 1 and {MAX_PAGE_SIZE}", field="first")
    return first


async def delete_named(
    id: strawberry.ID, *, kind: str, delete: Callable[[int], Awaitable[None]]
) -> strawberry.ID:
    """Delete the row a mutation's `id` names (NOT_FOUND if it names none); answer that id."""
    await delete(target_id(id, kind=kind))
    return id
