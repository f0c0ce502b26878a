"""Execute a planned selection set: graphql-core's `execute_fields` and `execute_field`.

The common field, a plain attribute holding a scalar, costs one `getattr` and (for strings,
IDs and booleans) no serializer call; its path is built only if it fails. Fields with resolvers
get the same `ResolveInfo`, arguments and awaitable handling graphql-core gives them.
"""

from __future__ import annotations

from types import CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import Undefined
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, async_reduce, gather_with_cancel

from graph_gateway.execution.plan import ATTR, LEAF_ATTR, TYPENAME, FieldPlan

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from graph_gateway.execution.executor import PlannedExecutor


def execute_fields(
    ex: PlannedExecutor, fields: list[FieldPlan], source: Any, path: Path | None
) -> Any:
    """The selection set's response object, or a coroutine of it if any field is async."""
    results: dict[str, Any] = {}
    pending: list[str] = []
    try:
        for plan in fields:
            kind = plan.kind
            if kind == LEAF_ATTR:
                try:
                    value = getattr(source, plan.attr)
                    if value is None or value is Undefined:
                        if plan.non_null:
                            raise TypeError(plan.null_message)
                        results[plan.name] = None
                    elif type(value) is plan.fast_type:
                        results[plan.name] = value
                    else:
                        results[plan.name] = plan.serialize(value)  # type: ignore[misc]
                except Exception as error:  # graphql-core's field error path
                    field_path = Path(path, plan.name, plan.parent.name)
                    ex.handle_field_error(error, plan.return_type, plan.details, field_path)
                    results[plan.name] = None
                continue
            if kind == TYPENAME:
                results[plan.name] = plan.typename
                continue
            value = execute_field(ex, plan, source, Path(path, plan.name, plan.parent.name))
            results[plan.name] = value
            if type(value) is CoroutineType:
                pending.append(plan.name)
    except Exception:
        if pending:
            ex.settle_in_background([results[name] for name in pending])
        raise
    if not pending:
        return results
    return _gather_fields(results, pending)


async def _gather_fields(results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    if len(pending) == 1:
        name = pending[0]
        results[name] = await results[name]
        return results
    awaited = await gather_with_cancel(*(results[name] for name in pending))
    results.update(zip(pending, awaited, strict=True))
    return results


def execute_field(ex: PlannedExecutor, plan: FieldPlan, source: Any, path: Path) -> Any:
    """One field's completed value (None after a nullable error), or a coroutine of it."""
    kind = plan.kind
    if kind == TYPENAME:
        return plan.typename
    try:
        if kind in (ATTR, LEAF_ATTR):
            result = getattr(source, plan.attr)
        else:
            field_def = plan.field_def
            info = ex.build_resolve_info(field_def, plan.nodes, plan.parent, path)  # type: ignore[arg-type]
            details = plan.details[0]
            args = (
                get_argument_values(
                    field_def,  # type: ignore[arg-type]
                    details.node,
                    ex.variable_values,
                    details.fragment_variable_values,
                    ex.hide_suggestions,
                )
                if plan.has_args
                else {}
            )
            result = plan.resolve(source, info, **args)  # type: ignore[misc]
            if ex.is_awaitable(result):
                return _complete_awaitable(ex, plan, result, path)
        completed = plan.complete(ex, result, path)  # type: ignore[misc]
        if type(completed) is CoroutineType:
            return _await_completed(ex, plan, completed, path)
    except Exception as error:  # graphql-core's field error path
        ex.handle_field_error(error, plan.return_type, plan.details, path)
        return None
    return completed


async def _complete_awaitable(
    ex: PlannedExecutor, plan: FieldPlan, result: Awaitable[Any], path: Path
) -> Any:
    try:
        completed = plan.complete(ex, await result, path)  # type: ignore[misc]
        if type(completed) is CoroutineType:
            completed = await completed
    except Exception as error:
        ex.handle_field_error(error, plan.return_type, plan.details, path)
        completed = None
    return completed


async def _await_completed(ex: PlannedExecutor, plan: FieldPlan, completed: Any, path: Path) -> Any:
    try:
        return await completed
    except Exception as error:
        ex.handle_field_error(error, plan.return_type, plan.details, path)
        return None


def execute_serially(
    ex: PlannedExecutor, fields: list[FieldPlan], source: Any, path: Path | None
) -> Any:
    """Execute the fields one after another (a mutation's root fields), as graphql-core does."""

    def reducer(results: dict[str, Any], plan: FieldPlan) -> Any:
        result = execute_field(ex, plan, source, Path(path, plan.name, plan.parent.name))
        if type(result) is CoroutineType:

            async def set_result() -> dict[str, Any]:
                results[plan.name] = await result
                return results

            return set_result()
        results[plan.name] = result
        return results

    return async_reduce(reducer, fields, {})
