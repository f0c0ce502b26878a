"""Completers bound at plan time: graphql-core's `complete_value`, one closure per type.

Each mirrors graphql-core 3.3's `Executor` step for step (same error messages, the same
`handle_field_error` for null propagation, the same `gather_with_cancel` for concurrent
items), without its per-value type dispatch. Values are never async iterables here (no field of
ours streams), so that branch of graphql-core is left out.
"""

from __future__ import annotations

from types import CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLLeafType, GraphQLOutputType, Undefined
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, gather_with_cancel, inspect, is_iterable

from graph_gateway.execution.fields import execute_fields
from graph_gateway.execution.plan import Completer, FieldPlan

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_gateway.execution.executor import PlannedExecutor


def leaf_serializer(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """`complete_leaf_value` for a non-null value: coerce, and refuse a null result."""
    coerce = leaf_type.coerce_output_value

    def serialize(value: Any) -> Any:
        coerced = coerce(value)
        if coerced is Undefined or coerced is None:
            msg = (
                f"Expected `{inspect(leaf_type)}.coerce_output_value("
                f"{inspect(value)})` to return non-nullable value, returned:"
                f" {inspect(coerced)}"
            )
            raise TypeError(msg)
        return coerced

    return serialize


def leaf_completer(serialize: Callable[[Any], Any], fast_type: type | None) -> Completer:
    """Complete a scalar or enum; values of `fast_type` are already what coercion returns."""

    def complete(_ex: PlannedExecutor, value: Any, _path: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if type(value) is fast_type:
            return value
        return serialize(value)

    return complete


def non_null_completer(inner: Completer, message: str) -> Completer:
    """Complete with `inner`, a null being an error (propagated by the caller)."""

    def complete(ex: PlannedExecutor, value: Any, path: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        completed = inner(ex, value, path)
        if completed is None:
            raise TypeError(message)
        return completed

    return complete


def object_completer(fields: list[FieldPlan]) -> Completer:
    """Complete an object by executing its planned selection set."""

    def complete(ex: PlannedExecutor, value: Any, path: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        return execute_fields(ex, fields, value, path)

    return complete


def list_completer(
    item: Completer,
    item_type: GraphQLOutputType,
    details: FieldDetailsList,
    not_iterable: str,
    *,
    items_may_await: bool,
    items_need_path: bool,
) -> Completer:
    """Complete each item of a list; an item's error nulls it, or propagates if non-null."""

    def complete(ex: PlannedExecutor, value: Any, path: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if type(value) is not list and not is_iterable(value):
            raise GraphQLError(not_iterable)
        completed: list[Any] = []
        append = completed.append
        pending: list[int] = []
        try:
            for index, raw in enumerate(value):
                item_path = Path(path, index, None) if items_need_path else None
                if items_may_await and ex.is_awaitable(raw):
                    append(_awaitable_item(ex, item, item_type, details, raw, path, index))
                    pending.append(index)
                    continue
                try:
                    done = item(ex, raw, item_path)
                except Exception as error:  # graphql-core's field error path
                    ex.handle_field_error(
                        error, item_type, details, item_path or Path(path, index, None)
                    )
                    append(None)
                    continue
                if type(done) is CoroutineType:
                    append(_pending_item(ex, done, item_type, details, item_path))
                    pending.append(index)
                else:
                    append(done)
        except Exception:
            if pending:
                ex.settle_in_background([completed[index] for index in pending])
            raise
        if not pending:
            return completed
        return _gather_items(completed, pending)

    return complete


async def _pending_item(
    ex: PlannedExecutor,
    done: Any,
    item_type: GraphQLOutputType,
    details: FieldDetailsList,
    item_path: Path | None,
) -> Any:
    try:
        return await done
    except Exception as error:
        ex.handle_field_error(error, item_type, details, item_path)  # type: ignore[arg-type]
        return None


async def _awaitable_item(
    ex: PlannedExecutor,
    item: Completer,
    item_type: GraphQLOutputType,
    details: FieldDetailsList,
    raw: Any,
    path: Path,
    index: int,
) -> Any:
    item_path = Path(path, index, None)
    try:
        completed = item(ex, await raw, item_path)
        if type(completed) is CoroutineType:
            completed = await completed
    except Exception as error:
        ex.handle_field_error(error, item_type, details, item_path)
        completed = None
    return completed


async def _gather_items(completed: list[Any], pending: list[int]) -> list[Any]:
    if len(pending) == 1:
        index = pending[0]
        completed[index] = await completed[index]
        return completed
    awaited = await gather_with_cancel(*(completed[index] for index in pending))
    for index, result in zip(pending, awaited, strict=True):
        completed[index] = result
    return completed
