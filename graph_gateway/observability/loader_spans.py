"""A span around each DataLoader batch (when tracing is configured): one per upstream batch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from opentelemetry import trace

from fc_common.tracing import tracing_configured

K = TypeVar("K")
V = TypeVar("V")
BatchLoad = Callable[[Sequence[K]], Awaitable[list[V]]]


def traced_batch(name: str, load: BatchLoad[K, V]) -> BatchLoad[K, V]:
    """`load` inside a `loader <name>` span with the batch size; `load` itself if not tracing."""
    if not tracing_configured():
        return load
    tracer = trace.get_tracer("graph_gateway")

    async def load_traced(keys: Sequence[K]) -> list[V]:
        with tracer.start_as_current_span(
            f"loader {name}", attributes={"graphql.loader.batch_size": len(keys)}
        ):
            return await load(keys)

    return load_traced
