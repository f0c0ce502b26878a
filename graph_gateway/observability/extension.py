"""`ObservabilityExtension`: each GraphQL operation's metrics, and its spans when tracing is on.

It is the outermost extension, so its timings hold every other extension's work in that phase,
and the errors it counts are the final ones (codes already assigned). A request another
extension refuses by raising (rate limit, unknown persisted query) is counted as `refused`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from opentelemetry import trace
from prometheus_client import Histogram
from strawberry.extensions import SchemaExtension

from fc_common.tracing import tracing_configured
from graph_gateway.errors import GatewayError
from graph_gateway.observability.metrics import (
    ERRORS,
    OPERATION_DURATION,
    PHASE_DURATION,
    QUERY_LIMIT_REFUSALS,
    error_codes,
    operation_names,
)

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_NO_SPAN: AbstractContextManager[None] = nullcontext()
# Labelled children by (metric, *values): `.labels()` takes a lock and checks every call.
_children: dict[tuple[Any, ...], Any] = {}


def _child(metric: Histogram, *values: str) -> Any:
    """The metric's child for these label values (all bounded, so the cache is too)."""
    key = (metric, *values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


_LIMITS = frozenset({"depth", "aliases", "cost", "tokens", "document_size"})


class ObservabilityExtension(SchemaExtension):
    """Time the operation and its phases, count its errors; open spans if a tracer is given."""

    def __init__(self, tracer: trace.Tracer | None = None) -> None:
        self.tracer = tracer
        self.phases: dict[str, float] = {}

    def on_operation(self) -> Iterator[None]:
        """Time the whole operation and label it once its document is known."""
        started = time.perf_counter()
        with self._span("graphql.operation") as span:
            try:
                yield
            except GatewayError as exc:
                refusal = GraphQLError(exc.message, extensions=exc.extensions)
                self._record(started, "refused", [refusal], span)
                raise
            result = self.execution_context.result
            errors: list[GraphQLError] = list(getattr(result, "errors", None) or [])
            if not errors:
                outcome = "success"
            else:
                outcome = "error" if getattr(result, "data", None) is None else "partial"
            self._record(started, outcome, errors, span)

    def on_parse(self) -> Iterator[None]:
        """Time parsing (cached documents make it nearly free)."""
        started = time.perf_counter()
        with self._span("graphql.parse"):
            yield
        self.phases["parse"] = time.perf_counter() - started

    def on_validate(self) -> Iterator[None]:
        """Time validation, query limits included."""
        started = time.perf_counter()
        with self._span("graphql.validate"):
            yield
        self.phases["validate"] = time.perf_counter() - started

    def on_execute(self) -> Iterator[None]:
        """Time execution: resolvers, loaders and upstream calls."""
        started = time.perf_counter()
        with self._span("graphql.execute"):
            yield
        self.phases["execute"] = time.perf_counter() - started

    def _span(self, name: str) -> AbstractContextManager[trace.Span | None]:
        """A current span named `name`, or nothing (cheaply) when not tracing."""
        if self.tracer is None:
            return _NO_SPAN
        return self.tracer.start_as_current_span(name)

    def _record(
        self, started: float, outcome: str, errors: list[GraphQLError], span: trace.Span | None
    ) -> None:
        name, kind = self._operation()
        _child(OPERATION_DURATION, name, kind, outcome).observe(time.perf_counter() - started)
        for phase, seconds in self.phases.items():
            _child(PHASE_DURATION, phase, name).observe(seconds)
        for error in errors:
            extensions: dict[str, Any] = error.extensions or {}
            code = str(extensions.get("code", "INTERNAL_SERVER_ERROR"))
            ERRORS.labels(error_codes(code) if _CODE.match(code) else "other").inc()
            if code == "QUERY_TOO_COMPLEX" and extensions.get("limit") in _LIMITS:
                QUERY_LIMIT_REFUSALS.labels(extensions["limit"]).inc()
        if span is not None:
            span.update_name(f"{kind} {name}" if name != "anonymous" else kind)
            span.set_attribute("graphql.operation.type", kind)
            span.set_attribute("graphql.operation.name", name)
            if errors:
                span.set_status(trace.StatusCode.ERROR)

    def _operation(self) -> tuple[str, str]:
        """The operation's (name, type) as labels: `unknown` before a document exists."""
        document = self.execution_context.graphql_document
        if document is None:
            return "unknown", "unknown"
        wanted = self.execution_context.operation_name
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            name = definition.name.value if definition.name else None
            if wanted is None or name == wanted:
                kind = definition.operation.value
                return (operation_names(name) if name else "anonymous"), kind
        return "unknown", "unknown"


def observability_extension(*, metrics: bool) -> list[Callable[[], ObservabilityExtension]]:
    """The extension's per-request factory, if metrics or tracing are on (else none at all)."""
    tracer = trace.get_tracer("graph_gateway") if tracing_configured() else None
    if not metrics and tracer is None:
        return []
    return [lambda: ObservabilityExtension(tracer)]
