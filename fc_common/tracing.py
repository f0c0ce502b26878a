"""OpenTelemetry tracing: on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, absent otherwise.

With an endpoint, each process exports its spans by OTLP/HTTP (the SDK reads the standard
`OTEL_*` variables: headers, timeouts, sampler, batch delays, resource attributes) and the
instrumentations add spans for HTTP requests served (with W3C `traceparent` read and written),
upstream calls and SQL statements. Without one, nothing is instrumented and no provider is set,
so a request pays for no span machinery at all (the bench measures what is left: nothing).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, MutableMapping
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from sqlalchemy.engine import Engine

from fc_common import __version__

EXCLUDED_URLS = "/health,/health/ready"


@functools.cache
def tracing_configured() -> bool:
    """Whether this process exports traces (an OTLP endpoint is set and the SDK is not off).

    Read once: the environment a process starts with configures it.
    """
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing(service: str) -> Callable[[], None]:
    """Set up the SDK's provider and OTLP/HTTP exporter if configured; returns the shutdown."""
    if not tracing_configured():
        return lambda: None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME, when set, names the process; our name otherwise.
    attributes: dict[str, str] = {"service.version": __version__}
    if not os.environ.get("OTEL_SERVICE_NAME"):
        attributes["service.name"] = service
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider.shutdown


def instrument_app(app: FastAPI) -> None:
    """A server span per HTTP request (but health checks), continuing the caller's trace."""
    if not tracing_configured():
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )


def instrument_engine(engine: Engine) -> None:
    """A span per SQL statement on this engine."""
    if not tracing_configured():
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    # `SQLAlchemyInstrumentor().instrument(engine=…)` instruments only the first engine of a
    # process (it is a singleton); each process here has several (migrations, then its own).
    EngineTracer(  # type: ignore[no-untyped-call]
        trace.get_tracer("opentelemetry.instrumentation.sqlalchemy"),
        engine,
        get_meter("opentelemetry.instrumentation.sqlalchemy").create_up_down_counter(
            "db.client.connections.usage"
        ),
    )


def instrument_http_client(client: httpx.AsyncClient) -> None:
    """A client span per call on this client, with `traceparent` sent along."""
    if not tracing_configured():
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client)


def add_trace_ids(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> Any:
    """A structlog processor: the current span's `trace_id` and `span_id`, when there is one."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict
