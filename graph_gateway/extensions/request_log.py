"""The facts of one GraphQL request's log line: its operation, its caller, its upstream calls.

The access log line is written by `fc_common` once the response is sent; this extension fills
in what only the GraphQL layer knows (operation name, user id, API key id, and how many calls
each service got and how long they took).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension

from graph_gateway.errors import GatewayError
from graph_gateway.upstream_stats import tracking_upstream_calls


class RequestLogExtension(SchemaExtension):
    """Track the upstream calls of one operation and put its facts into the request's log line."""

    def on_operation(self) -> Iterator[None]:
        """Count upstream calls while the operation runs; record the facts when it ends."""
        context = self.execution_context.context
        with tracking_upstream_calls() as stats:
            try:
                yield
            finally:
                facts: dict[str, Any] = {
                    "operation": self._operation_name(),
                    "user_id": user_id_of(context),
                    "api_key_id": api_key_id(context),
                }
                if stats.services:
                    facts["upstream"] = stats.as_log_fact()
                request = getattr(context, "request", None)
                if request is not None:
                    add_log_facts(request, facts)

    def _operation_name(self) -> str | None:
        try:
            return self.execution_context.operation_name
        except RuntimeError:  # an unparsable document has no operation
            return None


def user_id_of(context: Any) -> int | None:
    """The caller's user id when the request carries a valid token, else None (never raises)."""
    try:
        user_id = getattr(context, "user_id", None)
    except GatewayError:  # no token, or a bad one: an anonymous caller
        return None
    return user_id if isinstance(user_id, int) else None


def api_key_id(context: Any) -> int | None:
    """The id of the API key the request came with, if any (never raises)."""
    principal = getattr(context, "principal_or_none", None)
    return getattr(principal, "api_key_id", None)


def add_log_facts(request: HTTPConnection, facts: Mapping[str, Any]) -> None:
    """Add facts (those not None) to the request's access log line."""
    log_facts = request.scope.get("state", {}).get("log_facts")
    if isinstance(log_facts, dict):
        log_facts.update({k: v for k, v in facts.items() if v is not None})
