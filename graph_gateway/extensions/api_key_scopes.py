"""A `READ` API key runs queries only: a mutation with it is refused (FORBIDDEN) before it runs."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph_gateway.errors import ForbiddenError

READ_ONLY_KEY = "This API key has the READ scope only; mutations need WRITE"


class ApiKeyScopeExtension(SchemaExtension):
    """Refuse a mutation made with an API key that lacks the WRITE scope."""

    def on_validate(self) -> Iterator[None]:
        """Check the operation type against the key's scopes, before validation runs."""
        execution = self.execution_context
        principal = getattr(execution.context, "principal_or_none", None)
        if (
            principal is not None
            and principal.via_api_key
            and "WRITE" not in principal.scopes
            and not execution.pre_execution_errors
            and execution.operation_type is OperationType.MUTATION
        ):
            error = ForbiddenError(READ_ONLY_KEY)
            execution.pre_execution_errors = [GraphQLError(error.message, original_error=error)]
        yield
