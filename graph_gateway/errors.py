"""The gateway's errors, and the one place that turns any GraphQL error into `extensions.code`.

GatewayError                        a refusal the client may read; its message is shown as is
 ├── BadUserInputError              BAD_USER_INPUT; `extensions.field` names the GraphQL input
 ├── UnauthenticatedError           UNAUTHENTICATED: no token, or an expired/malformed/forged one
 ├── ForbiddenError                 FORBIDDEN: a READ API key mutating, a key managing keys
 ├── NotFoundError                  NOT_FOUND: a mutation on a missing (or another user's) object
 ├── ServiceUnavailableError        SERVICE_UNAVAILABLE: a service is down, or out of time
 ├── PayloadTooLargeError           PAYLOAD_TOO_LARGE, HTTP 413: an upload over its limit
 ├── RateLimitedError               RATE_LIMITED, HTTP 429 with Retry-After: a bucket is empty
 ├── QueryTooComplexError           QUERY_TOO_COMPLEX: size, tokens, depth, aliases or cost
 ├── PersistedQueryError            a persisted-query refusal
 │    ├── PersistedQueryNotFoundError     PERSISTED_QUERY_NOT_FOUND: send the document again
 │    ├── PersistedQueryNotInListError    PERSISTED_QUERY_NOT_IN_LIST: not in the allow-list
 │    ├── PersistedQueryNotSupportedError PERSISTED_QUERY_NOT_SUPPORTED: they are off
 │    └── PersistedQueryMismatchError     BAD_REQUEST: a malformed hash, or not the document's
 └── RequestRejectedError           BAD_REQUEST, HTTP 400: the request itself is malformed
      ├── UnreadableDocumentError   GRAPHQL_PARSE_FAILED: the document is not Unicode
      ├── NoSuchPageError           NOT_FOUND, HTTP 404: GET without a query, GraphiQL off
      ├── MethodNotAllowedError     METHOD_NOT_ALLOWED, HTTP 405
      ├── NotAcceptableError        NOT_ACCEPTABLE, HTTP 406
      └── UnsupportedMediaTypeError UNSUPPORTED_MEDIA_TYPE, HTTP 415
anything else                       INTERNAL_SERVER_ERROR: message masked, `extensions.requestId`

Documents that do not parse get GRAPHQL_PARSE_FAILED, ones that fail validation
GRAPHQL_VALIDATION_FAILED, and variables of the wrong type BAD_USER_INPUT naming the variable:
`client_error` decides, for every error of every answer (`GatewaySchema.process_errors` calls it).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from graphql import GraphQLError, VariableDefinitionNode

from fc_common.request_context import current_request_id

INTERNAL_MESSAGE = "Internal server error"
# graphql-core names the path inside a variable as "… invalid value at .input.tagIds[0]: …".
_VARIABLE_PATH = re.compile(r" at (?:value)?((?:\.[_A-Za-z]\w*|\[\d+\])+)[:;]")
_PATH_NAME = re.compile(r"\.([_A-Za-z]\w*)")

Phase = Literal["parse", "validate", "execute"]


class GatewayError(Exception):
    """A refusal the client may read: a stable code, a message, and what else `extensions` says.

    `status` is the HTTP status of an answer holding this error (None: the usual 200/400), and
    `headers` what else such an answer carries.
    """

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    status: ClassVar[int | None] = None
    default_message: ClassVar[str] = INTERNAL_MESSAGE

    def __init__(self, message: str | None = None, **details: Any) -> None:
        text = message or self.default_message
        super().__init__(text)
        self.message = text
        self.details = details
        self.headers: dict[str, str] = {}

    @property
    def extensions(self) -> dict[str, Any]:
        """What `errors[].extensions` carries for this error."""
        return {"code": self.code, **self.details}


class BadUserInputError(GatewayError):
    """An argument or input field is invalid; `field` is its GraphQL (camelCase) name."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.field = field


class UnauthenticatedError(GatewayError):
    """No valid token came with a request that needs one, or the credentials are wrong."""

    code = "UNAUTHENTICATED"


class ForbiddenError(GatewayError):
    """The caller is known but not allowed to do this."""

    code = "FORBIDDEN"


class NotFoundError(GatewayError):
    """A mutation names an object that does not exist for this user."""

    code = "NOT_FOUND"


class ServiceUnavailableError(GatewayError):
    """A backing service is down, timed out or answered with nonsense."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, service: str, message: str | None = None) -> None:
        # The service's name, never its address.
        text = message or f"The {service} service is unavailable; try again later"
        super().__init__(text, service=service)
        self.service = service


class PayloadTooLargeError(GatewayError):
    """An upload is over its size limit."""

    code = "PAYLOAD_TOO_LARGE"
    status = 413


class RateLimitedError(GatewayError):
    """The caller sent too many requests; retry after `retry_after_s` seconds."""

    code = "RATE_LIMITED"
    status = 429

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Too many requests; retry after {retry_after_s} s", retryAfter=retry_after_s
        )
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": str(retry_after_s)}


class QueryTooComplexError(GatewayError):
    """A document over one of the limits; `extensions` name the limit, the maximum and the value."""

    code = "QUERY_TOO_COMPLEX"

    def __init__(self, limit: str, maximum: int, actual: int) -> None:
        super().__init__(
            f"Query is too complex: {limit} is {actual}, over the limit of {maximum}",
            limit=limit,
            max=maximum,
            actual=actual,
        )
        self.limit = limit


class PersistedQueryError(GatewayError):
    """A persisted-query request that cannot run as sent."""


class PersistedQueryNotFoundError(PersistedQueryError):
    """The hash names no document this gateway knows: the client sends the document again."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    default_message = "PersistedQueryNotFound"


class PersistedQueryNotInListError(PersistedQueryError):
    """Only the allow-list's documents run."""

    code = "PERSISTED_QUERY_NOT_IN_LIST"
    default_message = "This operation is not allowed"


class PersistedQueryNotSupportedError(PersistedQueryError):
    """Persisted queries are turned off."""

    code = "PERSISTED_QUERY_NOT_SUPPORTED"
    default_message = "PersistedQueryNotSupported"


class PersistedQueryMismatchError(PersistedQueryError):
    """The `persistedQuery` extension is malformed, or its hash is not the document's."""

    code = "BAD_REQUEST"


class RequestRejectedError(GatewayError):
    """The HTTP request is refused before any GraphQL runs (its body, parameters, method)."""

    code = "BAD_REQUEST"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, **({"field": field} if field else {}))


class UnreadableDocumentError(RequestRejectedError):
    """The document cannot even be read (it is not valid Unicode)."""

    code = "GRAPHQL_PARSE_FAILED"


class NoSuchPageError(RequestRejectedError):
    """Nothing is served here (a GET without a query, when GraphiQL is off)."""

    code = "NOT_FOUND"
    status = 404


class MethodNotAllowedError(RequestRejectedError):
    """GraphQL over HTTP does not take this method here; `allow` names the ones it takes."""

    code = "METHOD_NOT_ALLOWED"
    status = 405

    def __init__(self, message: str, *, allow: str) -> None:
        super().__init__(message)
        self.headers = {"Allow": allow}


class NotAcceptableError(RequestRejectedError):
    """The client accepts none of the media types a GraphQL answer comes in."""

    code = "NOT_ACCEPTABLE"
    status = 406


class UnsupportedMediaTypeError(RequestRejectedError):
    """The body is neither JSON nor a multipart upload."""

    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


_HTTP_REFUSALS: dict[int, type[RequestRejectedError]] = {
    404: NoSuchPageError,
    406: NotAcceptableError,
    415: UnsupportedMediaTypeError,
}
# The services' REST codes that have another name in GraphQL's (Apollo's) vocabulary.
_REST_CODES = {"INTERNAL": "INTERNAL_SERVER_ERROR", "VALIDATION_FAILED": "BAD_USER_INPUT"}


def http_refusal(status: int, message: str) -> RequestRejectedError:
    """The error for a refusal Strawberry's HTTP layer made, by its status."""
    if status == 405:
        return MethodNotAllowedError(message, allow="GET, POST")
    return _HTTP_REFUSALS.get(status, RequestRejectedError)(message)


def graphql_code(rest_code: str) -> str:
    """The GraphQL `extensions.code` for a REST error code (from a framework or middleware)."""
    return _REST_CODES.get(rest_code, rest_code)


def internal_error_extensions() -> dict[str, Any]:
    """The `extensions` of a masked error: the code, and the request id to find it in the log."""
    return {"code": "INTERNAL_SERVER_ERROR", "requestId": current_request_id()}


def client_error(error: GraphQLError, phase: Phase) -> GraphQLError:
    """The error a client sees for one raised in `phase`: coded, and masked if unexpected."""
    original = error.original_error
    if isinstance(original, GatewayError):
        message, extensions = original.message, original.extensions
    elif phase == "parse":
        message, extensions = error.message, {"code": "GRAPHQL_PARSE_FAILED"}
    elif phase == "validate":
        message, extensions = error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}
    elif error.path is None and error.nodes and isinstance(error.nodes[0], VariableDefinitionNode):
        message, extensions = (
            error.message,
            {"code": "BAD_USER_INPUT", "field": variable_field(error)},
        )
    elif error.path is None and original is None:
        # graphql-core's own refusals before execution, e.g. no such operation.
        message, extensions = error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}
    else:
        message, extensions = INTERNAL_MESSAGE, internal_error_extensions()
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        # Kept for the HTTP layer (status and headers); never shown. Others are dropped.
        original_error=original if isinstance(original, GatewayError) else None,
        extensions=extensions,
    )


def variable_field(error: GraphQLError) -> str:
    """The input field a variable's coercion error is about (`$i` at `.startsAt` → `startsAt`),
    else the variable's name."""
    found = _VARIABLE_PATH.search(error.message)
    names = _PATH_NAME.findall(found.group(1)) if found else []
    if names:
        return str(names[-1])
    node = error.nodes[0] if error.nodes else None
    return node.variable.name.value if isinstance(node, VariableDefinitionNode) else "variables"


def refusal_of(errors: list[GraphQLError] | None) -> GatewayError | None:
    """The first error of an answer that sets its HTTP status (413, 429), if any."""
    for error in errors or ():
        original = error.original_error
        if isinstance(original, GatewayError) and original.status is not None:
            return original
    return None
