"""Where the response cache meets a request: the innermost step before execution.

By then the caller was authenticated (a revoked session has no principal: nothing is served
to it), the rate limits were counted, a persisted query's hash became its document, and the
document parsed and validated (both cached). A hit sets the operation's result to the stored
bytes (an `orjson.Fragment`, written into the response as they are), so nothing executes and
nothing is encoded again; a miss runs the operation and keeps its answer if it is complete and
error-free. A mutation runs, then bumps the user's generations of what it changed, before its
response returns: whatever it did, since a failed mutation may still have written.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

import orjson
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from graph_gateway.response_cache.cache import Request, ResponseCache, digest_of
from graph_gateway.response_cache.metrics import LOOKUPS, STORES
from graph_gateway.response_cache.scope import Scope
from graph_gateway.response_cache.store import CacheUnavailableError


class ResponseCacheExtension(SchemaExtension):
    """Serve a query from the response cache, or keep its answer; invalidate after mutations."""

    async def on_execute(self) -> AsyncIterator[None]:
        """Look up, or run and keep; or run a mutation and invalidate."""
        execution = self.execution_context
        context = execution.context
        cache = cast(
            "ResponseCache | None",
            getattr(getattr(context, "services", None), "response_cache", None),
        )
        document = execution.graphql_document
        if cache is None or document is None or execution.query is None:
            yield
            return
        scope = cache.scope(
            execution.schema._schema, execution.query, document, execution.operation_name
        )
        principal = getattr(context, "principal_or_none", None)
        if scope.writes:
            LOOKUPS.labels("uncacheable").inc()
            try:
                yield
            finally:  # also when it raised or ran out of time: it may have written
                if principal is not None:
                    # A failure is counted and logged by the store.
                    with contextlib.suppress(CacheUnavailableError):
                        await cache.store.invalidate(principal.user_id, scope.writes)
            return
        found = await self._lookup(cache, scope)
        if found is None:
            yield
            return
        key, body = found
        if body is not None:
            LOOKUPS.labels("hit").inc()
            # Strawberry skips execution when the result is already set.
            execution.result = ExecutionResult(data=cast(Any, orjson.Fragment(body)), errors=None)
            yield
            return
        LOOKUPS.labels("miss").inc()
        yield
        await _keep(cache, key, execution.result)

    async def _lookup(self, cache: ResponseCache, scope: Scope) -> tuple[str, bytes | None] | None:
        """The answer's key and the answer if kept; None when this request is not cached."""
        execution = self.execution_context
        context = execution.context
        principal = getattr(context, "principal_or_none", None)
        request = getattr(context, "request", None)
        if (
            not scope.cacheable
            or principal is None
            or request is None
            or execution.query is None
            or getattr(context, "idempotency_key", None) is not None
            or request.headers.get("content-type", "").startswith("multipart/")
        ):
            LOOKUPS.labels("uncacheable").inc()
            return None
        digest = digest_of(
            Request(
                user_id=principal.user_id,
                time_zone=principal.time_zone,
                base_url=context.base_url if scope.signs_urls else "",
                query=execution.query,
                operation_name=execution.operation_name,
                variables=execution.variables,
            )
        )
        if digest is None:
            LOOKUPS.labels("uncacheable").inc()
            return None
        try:
            return await cache.store.lookup(principal.user_id, digest, tuple(sorted(scope.reads)))
        except CacheUnavailableError:
            LOOKUPS.labels("unavailable").inc()
            return None


async def _keep(cache: ResponseCache, key: str, result: object) -> None:
    """Store a complete, error-free answer that is not too large."""
    data = getattr(result, "data", None)
    if data is None or getattr(result, "errors", None):
        STORES.labels("errors").inc()
        return
    try:
        body = orjson.dumps(data)
    except orjson.JSONEncodeError:
        STORES.labels("errors").inc()  # the router escapes such text; nothing is kept
        return
    if len(body) > cache.max_entry_bytes:
        STORES.labels("too_large").inc()
        return
    try:
        await cache.store.store(key, body)
    except CacheUnavailableError:
        STORES.labels("unavailable").inc()
        return
    STORES.labels("stored").inc()
