"""`Idempotency-Key` on GraphQL mutations: a retried request replays the first answer.

The key is scoped to the signed-in user. The first request with it claims it in the store and runs;
a retry with the same request gets the stored answer back (header `Idempotent-Replayed: true`); a
concurrent duplicate waits for the first and then replays; the same key with a different request
is BAD_USER_INPUT on `Idempotency-Key`. An answer that a retry could improve on (a service down,
an internal error, a rate limit) is not kept: the key is released, and the retry runs again —
safely, because every write the gateway sends a service carries a key derived from this one
(`graph_gateway.write_keys`), which the service remembers in the same transaction as the write.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from anyio import to_thread
from fastapi import Request, Response
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from graph_gateway.context import get_context
from graph_gateway.errors import GatewayError
from graph_gateway.http.csrf import forces_preflight
from graph_gateway.services import Services

HEADER = "idempotency-key"
FIELD = "Idempotency-Key"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Answers a retry may improve on: never replayed.
RETRYABLE_CODES = frozenset({"SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "RATE_LIMITED"})
POLL_S = 0.05


async def _params(request: Request, digest: Any) -> Any:
    """The request's GraphQL parameters (files hashed into `digest`); None if unreadable.

    Anything unreadable, and a multipart request without the CSRF header, is left to the
    GraphQL router, which refuses it before running anything.
    """
    try:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return orjson.loads(await request.body() or b"{}")
        if not forces_preflight(request.headers):
            return None
        form = await request.form()
        digest.update(str(form.get("map") or "").encode())
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            if isinstance(value, UploadFile):
                digest.update(name.encode())
                digest.update(hashlib.sha256(await value.read()).digest())
                await value.seek(0)
        return orjson.loads(str(form.get("operations") or "{}"))
    except (ValueError, KeyError, HTTPException):
        return None


async def _fingerprint(request: Request) -> tuple[str, bool]:
    """A digest of what the request asks for, and whether it is a mutation."""
    digest = hashlib.sha256()
    params = await _params(request, digest)
    if not isinstance(params, dict):
        return "", False
    query, operation = params.get("query"), params.get("operationName")
    canonical = [query, operation, params.get("variables"), params.get("extensions")]
    digest.update(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS))
    try:
        ast = get_operation_ast(
            parse(str(query)), operation if isinstance(operation, str) else None
        )
    except GraphQLError:
        return "", False
    return digest.hexdigest(), ast is not None and ast.operation == OperationType.MUTATION


async def signed_in_user(request: Request, services: Services) -> int | None:
    """The id of the user the request's credential names, the way resolvers see it; else None."""
    context = await get_context(request, services)
    try:
        return context.user_id
    except GatewayError:
        return None


def _worth_keeping(status_code: int, body: bytes) -> bool:
    """Whether an answer is final: a success, or an error a retry would only repeat."""
    if status_code != 200:
        return False
    try:
        errors = orjson.loads(body).get("errors") or []
    except (orjson.JSONDecodeError, AttributeError):
        return False
    return not any((e.get("extensions") or {}).get("code") in RETRYABLE_CODES for e in errors)


def _refusal(message: str) -> bytes:
    error = {"message": message, "extensions": {"code": "BAD_USER_INPUT", "field": FIELD}}
    return orjson.dumps({"errors": [error]})


async def run_once(
    request: Request,
    services: Services,
    run: Callable[[], Awaitable[Response]],
    *,
    answer: Callable[[bytes, int], Response],
    refusal_status: int,
) -> Response:
    """Run a GraphQL request, or replay its first answer when its `Idempotency-Key` ran before."""
    raw_key = request.headers.get(HEADER)
    if raw_key is None or request.method != "POST":
        return await run()
    if not _VALID_KEY.fullmatch(raw_key):
        message = "Idempotency-Key must be 1-255 printable ASCII characters"
        return answer(_refusal(message), refusal_status)
    owner = await signed_in_user(request, services)
    fingerprint, is_mutation = await _fingerprint(request)
    if owner is None or not is_mutation:
        return await run()
    store = services.idempotency
    while True:
        claim = await to_thread.run_sync(
            lambda: store.claim(
                user_id=owner, key=raw_key, fingerprint=fingerprint, now=datetime.now(UTC)
            )
        )
        if claim.state == "replay":
            replayed = answer(claim.body, claim.status_code)
            replayed.headers["idempotent-replayed"] = "true"
            return replayed
        if claim.state == "mismatch":
            message = "This Idempotency-Key was used for a different request"
            return answer(_refusal(message), refusal_status)
        if claim.state == "claimed":
            break
        await asyncio.sleep(POLL_S)  # busy: another request runs under the key
    try:
        response = await run()
    except BaseException:
        await to_thread.run_sync(lambda: store.release(user_id=owner, key=raw_key))
        raise
    body = bytes(response.body)
    if _worth_keeping(response.status_code, body):
        await to_thread.run_sync(
            lambda: store.finish(
                user_id=owner, key=raw_key, status_code=response.status_code, body=body
            )
        )
    else:
        await to_thread.run_sync(lambda: store.release(user_id=owner, key=raw_key))
    return response
