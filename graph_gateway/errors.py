"""The gateway's errors, and the one place that turns any GraphQL error into `extensions.code`.

GatewayError                      an expected refusal: its message is shown to the client as is
 ├── BadUserInputError            BAD_USER_INPUT; `extensions.field` names the GraphQL input
 ├── UnauthenticatedError         UNAUTHENTICATED: no token, or an expired/malformed/forged one
 ├── ForbiddenError               FORBIDDEN
 ├── NotFoundError                NOT_FOUND: a mutation on a missing (or another user's) object
 ├── QueryTooComplexError         QUERY_TOO_COMPLEX: depth, aliases, tokens or cost over limits
 ├── RateLimitedError             RATE_LIMITED
 ├── PayloadTooLargeError         PAYLOAD_TOO_LARGE
 └── ServiceUnavailableError      SERVICE_UNAVAILABLE: a backing service is down or timed out
anything else                     INTERNAL_SERVER_ERROR: message masked, `extensions.requestId`

Documents that do not parse get GRAPHQL_PARSE_FAILED, ones that fail validation
GRAPHQL_VALIDATION_FAILED, and variables of the wrong type BAD_USER_INPUT naming the variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import structlog
from graphql import GraphQLError, VariableDefinitionNode
from strawberry.extensions import SchemaExtension

from fc_common.request_context import current_request_id

log = structlog.get_logger("graph_gateway.errors")

INTERNAL_MESSAGE = "Internal server error"
# graphql-core names the path inside a variable as "… invalid value at .input.tagIds[0]: …".
_VARIABLE_PATH = re.compile(r" at (?:value)?((?:\.[_A-Za-z]\w*|\[\d+\])+)[:;]")
_PATH_NAME = re.compile(r"\.([_A-Za-z]\w*)")

Phase = Literal["parse", "validate", "execute"]


class GatewayError(Exception):
    """A refusal the client may read: a stable code, a message, and optional extensions."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, Any]:
        """What `errors[].extensions` carries for this error."""
        return {"code": self.code}


class BadUserInputError(GatewayError):
    """An argument or input field is invalid; `field` is its GraphQL (camelCase) name."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def extensions(self) -> dict[str, Any]:
        """The code and the offending field."""
        return {"code": self.code, "field": self.field}


class UnauthenticatedError(GatewayError):
    """No valid token came with a request that needs one, or the credentials are wrong."""

    code = "UNAUTHENTICATED"


class ForbiddenError(GatewayError):
    """The caller is known but not allowed to do this."""

    code = "FORBIDDEN"


class NotFoundError(GatewayError):
    """A mutation names an object that does not exist for this user."""

    code = "NOT_FOUND"


class QueryTooComplexError(GatewayError):
    """The document is over a depth, alias, token or cost limit."""

    code = "QUERY_TOO_COMPLEX"


class RateLimitedError(GatewayError):
    """The caller sent too many requests; retry after `retry_after_s` seconds."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    def extensions(self) -> dict[str, Any]:
        """The code and when to retry."""
        return {"code": self.code, "retryAfter": self.retry_after_s}


class PayloadTooLargeError(GatewayError):
    """An upload or a body is over its size limit."""

    code = "PAYLOAD_TOO_LARGE"


class ServiceUnavailableError(GatewayError):
    """A backing service is down, timed out or answered with nonsense."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, service: str, message: str | None = None) -> None:
        super().__init__(message or f"The {service} service is unavailable; try again later")
        self.service = service

    def extensions(self) -> dict[str, Any]:
        """The code and which service failed (its name, never its address)."""
        return {"code": self.code, "service": self.service}


def error_extensions(error: GraphQLError, phase: Phase) -> tuple[str, dict[str, Any]]:
    """The message and `extensions` a client sees for an error raised in `phase`."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return original.message, original.extensions()
    if error.extensions and "code" in error.extensions:
        return error.message, dict(error.extensions)  # set on purpose by an extension or a rule
    if phase == "parse":
        return error.message, {"code": "GRAPHQL_PARSE_FAILED"}
    if phase == "validate":
        return error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}
    if error.path is None and error.nodes and isinstance(error.nodes[0], VariableDefinitionNode):
        return error.message, {"code": "BAD_USER_INPUT", "field": variable_field(error)}
    if error.path is None and original is None:
        return error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}  # e.g. no such operation
    return INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR", "requestId": current_request_id()}


def variable_field(error: GraphQLError) -> str:
    """The input field a variable's coercion error is about (`$i` at `.startsAt` → `startsAt`),
    else the variable's name."""
    found = _VARIABLE_PATH.search(error.message)
    names = _PATH_NAME.findall(found.group(1)) if found else []
    if names:
        return str(names[-1])
    node = error.nodes[0] if error.nodes else None
    return node.variable.name.value if isinstance(node, VariableDefinitionNode) else "variables"


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


class ErrorCodesExtension(SchemaExtension):
    """Give every error an `extensions.code`; mask unexpected ones (one instance per operation)."""

    def __init__(self) -> None:
        self.phase: Phase = "execute"

    def on_parse(self) -> Iterator[None]:
        """Remember that errors seen now come from parsing."""
        self.phase = "parse"
        yield
        if not self.execution_context.pre_execution_errors:
            self.phase = "execute"

    def on_validate(self) -> Iterator[None]:
        """Remember that errors seen now come from validation."""
        yield
        if self.execution_context.pre_execution_errors:
            self.phase = "validate"

    def on_operation(self) -> Iterator[None]:
        """Rewrite the errors of the finished operation."""
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [self._rewrite(error) for error in errors]

    def _rewrite(self, error: GraphQLError) -> GraphQLError:
        message, extensions = error_extensions(error, self.phase)
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )
