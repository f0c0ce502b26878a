"""The request deadline: a time budget around the whole operation, and around every async resolver.

`RequestDeadlineExtension` starts the budget (`GATEWAY_REQUEST_DEADLINE_S`) when the operation
starts. Upstream calls stop at the deadline themselves (`call_with_resilience`), naming their
service. A resolver can also be slow without one: the accounts database in a worker thread (`me`), a
worker thread it waits for. `bound_async_resolvers` wraps each async resolver so it is cancelled
once the request's budget is spent (plus `GRACE_S`, so a service call ending at the deadline is
still reported by its own name); its field is then `null` with SERVICE_UNAVAILABLE and the rest
of the response is served. A worker thread cannot be stopped: its result is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from inspect import isawaitable
from typing import Any, TypeVar

import strawberry
from strawberry.extensions import SchemaExtension

from graph_gateway.clients.resilience import remaining_budget, request_deadline
from graph_gateway.errors import ServiceUnavailableError
from graph_gateway.extensions.plain_fields import strawberry_fields

T = TypeVar("T")

GRACE_S = 0.1
OUT_OF_TIME = "The request ran out of time before this field was ready; try again later"


class RequestDeadlineExtension(SchemaExtension):
    """Run the operation, and every upstream call it makes, within the request's budget."""

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s

    def on_operation(self) -> Iterator[None]:
        """Start the budget; everything the operation does shares it."""
        with request_deadline(self.deadline_s):
            yield


def request_deadline_extension(deadline_s: float) -> Callable[[], RequestDeadlineExtension]:
    """A per-request factory for `Schema(extensions=[...])`."""
    return lambda: RequestDeadlineExtension(deadline_s)


async def within_deadline(awaitable: Awaitable[T]) -> T:
    """Await within the current request's remaining budget, else SERVICE_UNAVAILABLE."""
    remaining = remaining_budget()
    if remaining is None:
        return await awaitable
    budget = asyncio.timeout(max(0.0, remaining) + GRACE_S)
    try:
        async with budget:
            return await awaitable
    except TimeoutError as exc:
        if not budget.expired():
            raise  # the resolver's own timeout, not the request's
        raise ServiceUnavailableError("gateway", OUT_OF_TIME) from exc


def _bounded(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(source: Any, info: Any, **arguments: Any) -> Any:
        result = resolve(source, info, **arguments)
        return within_deadline(result) if isawaitable(result) else result

    bounded.__name__ = f"bounded_{getattr(resolve, '__name__', 'resolver')}"
    return bounded


def bound_async_resolvers(schema: strawberry.Schema) -> int:
    """Wrap every async resolver of the schema in the request deadline; how many were wrapped."""
    wrapped = 0
    for field, definition in strawberry_fields(schema):
        if definition.is_async and field.resolve is not None:
            field.resolve = _bounded(field.resolve)
            wrapped += 1
    return wrapped
