"""`PlannedExecutor`: graphql-core's executor, running a cached plan when it has one.

Strawberry builds one executor per request (`Schema(execution_context_class=...)`), after
every extension's parse and validate hooks, so persisted queries, limits, rate limits, the
deadline, the request log and observability all run as before. For a document kept by the
`DocumentCache`, `execute_operation` runs the plan built once for (operation, `@skip`/`@include`
values); anything else — an uncached document, an operation the plan does not cover,
middleware, an abort signal — runs through graphql-core unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CoroutineType
from typing import Any, ClassVar

from graphql import (
    DirectiveNode,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    VariableNode,
    Visitor,
    visit,
)
from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph_gateway.execution.compile import compile_operation
from graph_gateway.execution.fields import execute_fields, execute_serially
from graph_gateway.execution.plan import OperationPlan, Unsupported

MAX_PLANS_PER_DOCUMENT = 16
"""Plans per document: one per (operation, `@skip`/`@include` values); more run unplanned."""

_DIRECTIVE_VARIABLES = "directive variables"
_UNSUPPORTED = "unsupported"


class PlanSwitch:
    """Where plans live (the document cache's slots) and whether to use them at all."""

    def __init__(self, plans_of: Callable[[DocumentNode], dict[Any, Any] | None], *, on: bool):
        self.plans_of = plans_of
        self.enabled = on


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, executing cached plans instead of walking the document."""

    switch: ClassVar[PlanSwitch]
    document: DocumentNode | None = None

    @classmethod
    def build(
        cls, schema: GraphQLSchema, document: DocumentNode, *args: Any, **kwargs: Any
    ) -> list[GraphQLError] | Executor[Any]:
        """graphql-core's `build`, remembering the document (the plans' key)."""
        executor = super().build(schema, document, *args, **kwargs)
        if isinstance(executor, PlannedExecutor):
            executor.document = document
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        """Run the operation's plan if there is one, else graphql-core's execution."""
        plan = self._plan() if serially is None else None
        if plan is None:
            return super().execute_operation(serially)
        try:
            run = execute_serially if plan.serial else execute_fields
            result = run(self, plan.fields, self.root_value, None)
            if type(result) is CoroutineType or self.is_awaitable(result):
                return self._await_result(result)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.finish(self.build_response(None))
        return self.finish(self.build_response(result))

    async def _await_result(self, result: Any) -> ExecutionResult:
        try:
            data = await result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)  # type: ignore[return-value]
        except Exception:
            self.run_async_work_finished_hook()
            raise
        return self.build_response(data)  # type: ignore[return-value]

    def _plan(self) -> OperationPlan | None:
        """The cached plan for this request, built now if missing; None: run unplanned."""
        switch = type(self).switch
        if not switch.enabled or self.document is None or self.abort_signal is not None:
            return None
        if self.hooks is not None or (
            self.middleware_manager is not None and self.middleware_manager.middlewares
        ):
            return None
        plans = switch.plans_of(self.document)
        if plans is None:
            return None
        names = plans.get(_DIRECTIVE_VARIABLES)
        if names is None:
            names = plans[_DIRECTIVE_VARIABLES] = directive_variables(self.document)
        coerced = self.variable_values.coerced
        operation = self.operation.name.value if self.operation.name else None
        key = (operation, *(coerced.get(name) for name in names))
        plan = plans.get(key)
        if plan is None:
            if len(plans) > MAX_PLANS_PER_DOCUMENT:
                return None
            try:
                plan = compile_operation(self)
            except Unsupported:
                plan = _UNSUPPORTED
            plans[key] = plan
        return plan if isinstance(plan, OperationPlan) else None


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables any `@skip`/`@include` of the document reads: the plans' key."""
    names: list[str] = []

    class Finder(Visitor):
        def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
            if node.name.value in ("skip", "include"):
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        name = argument.value.name.value
                        if name not in names:
                            names.append(name)

    visit(document, Finder())
    return tuple(names)


def planned_executor(switch: PlanSwitch) -> type[PlannedExecutor]:
    """A `PlannedExecutor` class bound to one schema's plans (for `execution_context_class`)."""
    return type("GatewayExecutor", (PlannedExecutor,), {"switch": switch})
