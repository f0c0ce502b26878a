"""The error log: bugs with their traceback, outages as warnings, user errors not at all."""

from __future__ import annotations

import structlog
from graphql import GraphQLError

from graph_gateway.errors import GatewayError, ServiceUnavailableError

log = structlog.get_logger("graph_gateway.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error is a bug worth logging: an unknown exception, or an execution error
    of graphql-core itself (such as a null for a non-null field)."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return False
    if original is None or isinstance(original, GraphQLError):
        return error.path is not None
    return True


def log_errors(errors: list[GraphQLError]) -> None:
    """Log unexpected errors with their traceback and outages as warnings; skip user errors."""
    for error in errors:
        original = error.original_error
        path = ".".join(str(p) for p in error.path) if error.path else None
        if isinstance(original, ServiceUnavailableError):
            log.warning("service unavailable", service=original.service, path=path)
        elif is_unexpected(error):
            log.error(
                "unexpected error in a resolver",
                path=path,
                message=error.message,
                exc_info=original if isinstance(original, Exception) else None,
            )
