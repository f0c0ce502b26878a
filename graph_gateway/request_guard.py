"""Per-operation guard: rate limits, the request deadline, and the facts of the request log line.

`RequestGuardExtension` must come first in the schema's extensions, so a refused request costs
nothing else:
- on operation start: the general bucket (per user when the token is valid, else per client IP),
  the request deadline and upstream-call tracking, for everything the operation does;
- before validation: the sign-in buckets, once per `logIn` / `signUp` field in the operation
  (aliases and fragments included, so one document cannot hide thirty guesses);
- at the end: operation name, user id and upstream calls go into the request's log line.
A refusal is HTTP 429 with `Retry-After` and a `RATE_LIMITED` error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from graph_gateway.clients.resilience import request_deadline
from graph_gateway.errors import GatewayError
from graph_gateway.rate_limit import RateLimitedError, RateLimiter
from graph_gateway.upstream_stats import tracking_upstream_calls

# Fields that check a password or mint a credential: each counts in the sign-in buckets.
SIGN_IN_FIELDS = frozenset(
    {"logIn", "signUp", "refreshToken", "changePassword", "deleteAccount", "createApiKey"}
)


class RequestGuardExtension(SchemaExtension):
    """Rate-limit, bound in time, and describe one GraphQL operation (one instance per request)."""

    def __init__(self, *, limiter: RateLimiter | None, deadline_s: float) -> None:
        self.limiter = limiter
        self.deadline_s = deadline_s
        self.client_ip = "unknown"

    async def on_operation(self) -> AsyncIterator[None]:
        """Check the general bucket, then run the operation within the deadline."""
        context = self.execution_context.context
        request = getattr(context, "request", None)
        user_id = _user_id(context)
        if self.limiter is not None and request is not None:
            client = request.client
            self.client_ip = self.limiter.client_ip(
                client.host if client else None, request.headers.get("x-forwarded-for")
            )
            try:
                await self.limiter.check_request(user_id=user_id, ip=self.client_ip)
                if (key_id := _api_key_id(context)) is not None:
                    await self.limiter.check_api_key(key_id)
            except RateLimitedError as error:
                self._answer_429(error)
                _add_log_facts(request, {"user_id": user_id, "rate_limited": True})
                raise  # Strawberry turns it into the response's only error; nothing else runs
        with request_deadline(self.deadline_s), tracking_upstream_calls() as stats:
            try:
                yield
            finally:
                facts: dict[str, Any] = {
                    "operation": self._operation_name(),
                    "user_id": _user_id(context),
                    "api_key_id": _api_key_id(context),
                }
                if stats.services:
                    facts["upstream"] = stats.as_log_fact()
                if request is not None:
                    _add_log_facts(request, facts)

    async def on_validate(self) -> AsyncIterator[None]:
        """Count each sign-in attempt in the document before anything else looks at it."""
        execution = self.execution_context
        document = execution.graphql_document
        if self.limiter is not None and document is not None and not execution.pre_execution_errors:
            emails = sign_in_emails(document, execution.operation_name, execution.variables or {})
            try:
                for email in emails:
                    await self.limiter.check_sign_in(ip=self.client_ip, email=email)
            except RateLimitedError as error:
                self._answer_429(error)
                execution.pre_execution_errors = [error]
        yield

    def _answer_429(self, error: RateLimitedError) -> None:
        response = getattr(self.execution_context.context, "response", None)
        if response is not None:
            response.status_code = 429
            response.headers["Retry-After"] = str(error.retry_after_s)

    def _operation_name(self) -> str | None:
        try:
            return self.execution_context.operation_name
        except RuntimeError:  # an unparsable document has no operation
            return None


def _user_id(context: Any) -> int | None:
    """The caller's user id when the request carries a valid token, else None (never raises)."""
    try:
        user_id = getattr(context, "user_id", None)
    except GatewayError:  # no token, or a bad one: an anonymous caller
        return None
    return user_id if isinstance(user_id, int) else None


def _api_key_id(context: Any) -> int | None:
    """The id of the API key the request came with, if any (never raises)."""
    principal = getattr(context, "principal_or_none", None)
    return getattr(principal, "api_key_id", None)


def _add_log_facts(request: Any, facts: Mapping[str, Any]) -> None:
    log_facts = request.scope.get("state", {}).get("log_facts")
    if isinstance(log_facts, dict):
        log_facts.update({k: v for k, v in facts.items() if v is not None})


def sign_in_emails(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> list[str | None]:
    """The email of every `logIn` / `signUp` field the operation would run (None if unreadable)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return [
        _email_argument(field, variables)
        for field in _root_fields(operation.selection_set, fragments, frozenset())
        if field.name.value in SIGN_IN_FIELDS
    ]


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str],
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                yield from _root_fields(fragments[name].selection_set, fragments, seen | {name})


def _email_argument(field: FieldNode, variables: Mapping[str, Any]) -> str | None:
    for argument in field.arguments or ():
        if argument.name.value != "email":
            continue
        if isinstance(argument.value, StringValueNode):
            return argument.value.value
        if isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value)
            return value if isinstance(value, str) else None
    return None


def request_guard_extension(
    *, limiter: RateLimiter | None, deadline_s: float
) -> Callable[[], RequestGuardExtension]:
    """A per-request factory for `Schema(extensions=[...])`; list it first."""
    return lambda: RequestGuardExtension(limiter=limiter, deadline_s=deadline_s)
