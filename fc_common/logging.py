"""Structured logging: JSON lines in production and tests, readable console lines in development."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import structlog

from fc_common.settings import CommonSettings
from fc_common.tracing import add_trace_ids, tracing_configured

EventDict = MutableMapping[str, Any]

# Keys whose values never reach a log line, whatever a caller passes.
_REDACTED_KEYS = frozenset(
    {"password", "token", "authorization", "secret", "internal_token", "content", "cookie"}
)


def _redact(_: Any, __: str, event_dict: EventDict) -> EventDict:
    """Replace secret-looking fields with a marker."""
    for key in event_dict.keys() & _REDACTED_KEYS:
        event_dict[key] = "[redacted]"
    return event_dict


def own_log_file(path: Path, service: str) -> Path:
    """This process's own file: `{service}` in the path filled in, else the name inserted.

    One `FC_LOG_FILE` is often set for all three processes; a rotating file is only safe with
    one writer (another process would keep writing to the renamed file), so each gets its own:
    `logs/fc.log` → `logs/fc.graph_gateway.log`.
    """
    if "{service}" in str(path):
        return Path(str(path).replace("{service}", service))
    return path.with_name(f"{path.stem}.{service}{path.suffix}")


def configure_logging(settings: CommonSettings, *, service: str) -> None:
    """Route structlog and stdlib logging (uvicorn, sqlalchemy) through one renderer."""

    def add_service(_: Any, __: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        add_service,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    if tracing_configured():
        shared.append(add_trace_ids)
    renderer: structlog.types.Processor = (
        # `str`, not structlog's `repr` fallback: a path or a UUID is logged as its text.
        structlog.processors.JSONRenderer(default=str)
        if settings.json_logs
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        # Dropping a disabled level first skips the whole chain (timestamp, JSON) for it: an
        # INFO line at WARNING otherwise cost ~20 µs per request for nothing.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if settings.log_file is not None:
        log_file = own_log_file(settings.log_file, service)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=10_000_000, backupCount=5, encoding="utf-8"
            )
        )
    root = logging.getLogger()
    root.handlers.clear()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # uvicorn's own access log is replaced by our request line, which carries the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs each upstream call at INFO; the gateway's request line already counts and times
    # them (`upstream`), so that would be a second line per call. Its warnings still show.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
