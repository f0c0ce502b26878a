"""Where rate limits are applied to GraphQL requests (the buckets: `rate_limiter.py`).

`RateLimitExtension` comes first after the persisted-query lookup, so a refused request costs
nothing else:
- on operation start: the general bucket (per user when the token is valid, else per client IP),
  and the API key's own bucket;
- before validation: the sign-in buckets, once per `logIn` / `signUp` field in the operation
  (aliases and fragments included, so one document cannot hide thirty guesses).
A refusal is a `RateLimitedError`: HTTP 429 with `Retry-After` and a `RATE_LIMITED` error.
`exportMyData` counts in its own bucket, in its resolver.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationType,
    StringValueNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from graph_gateway.errors import RateLimitedError
from graph_gateway.extensions.rate_limiter import RateLimiter
from graph_gateway.extensions.request_log import add_log_facts, api_key_id, user_id_of
from graph_gateway.root_fields import root_fields

# Fields that check a password or mint a credential: each counts in the sign-in buckets.
SIGN_IN_FIELDS = frozenset(
    {"logIn", "signUp", "refreshToken", "changePassword", "deleteAccount", "createApiKey"}
)


class RateLimitExtension(SchemaExtension):
    """Count one GraphQL operation in its buckets; refuse it when one is empty."""

    def __init__(self) -> None:
        self.limiter: RateLimiter | None = None
        self.client_ip = "unknown"

    async def on_operation(self) -> AsyncIterator[None]:
        """Check the general bucket (and the API key's) before anything else runs."""
        context = self.execution_context.context
        request = getattr(context, "request", None)
        services = getattr(context, "services", None)
        self.limiter = getattr(services, "rate_limiter", None)  # None: rate limits are off
        if self.limiter is not None and request is not None:
            client = request.client
            self.client_ip = self.limiter.client_ip(
                client.host if client else None, request.headers.get("x-forwarded-for")
            )
            user_id = user_id_of(context)
            try:
                await self.limiter.check_request(user_id=user_id, ip=self.client_ip)
                if (key_id := api_key_id(context)) is not None:
                    await self.limiter.check_api_key(key_id)
            except RateLimitedError:
                add_log_facts(request, {"user_id": user_id, "rate_limited": True})
                raise  # Strawberry makes it the answer's only error; nothing else runs
        yield

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
                execution.pre_execution_errors = [GraphQLError(error.message, original_error=error)]
        yield


def sign_in_emails(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> list[str | None]:
    """The email of every `logIn` / `signUp` field the operation would run (None if unreadable)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION:
        return []
    return [
        _email_argument(field, variables)
        for field in root_fields(document, operation)
        if field.name.value in SIGN_IN_FIELDS
    ]


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
