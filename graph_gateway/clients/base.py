"""The one method every upstream call goes through: headers, JSON, and error translation.

Service answers become gateway errors here: 404 → `NotFoundError`, 409/422/400 →
`BadUserInputError` naming the GraphQL input field, 413 → `PayloadTooLargeError`; transport
failures, timeouts, 5xx and unreadable answers → `ServiceUnavailableError`. A 401 means the
internal credential is misconfigured: a bug, so it surfaces as an unexpected (masked) error.

Every call goes through the service's circuit breaker (an open one fails fast with
`SERVICE_UNAVAILABLE`), within the request's deadline; reads are retried with backoff, and so are
writes that carry an `Idempotency-Key` (the service runs a key once); other writes never.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, BinaryIO, TypeVar

import httpx
import orjson
import structlog

from fc_common.request_context import current_request_id
from graph_gateway.clients.resilience import (
    CircuitBreaker,
    CircuitOpenError,
    DeadlineExceededError,
    RetryPolicy,
    call_with_resilience,
)
from graph_gateway.errors import (
    BadUserInputError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
)
from graph_gateway.observability.upstream import observed_call, retry_pause
from graph_gateway.write_keys import WriteKeys

log = structlog.get_logger("graph_gateway.upstream")

T = TypeVar("T")

JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


class UpstreamMisconfiguredError(RuntimeError):
    """A service refused the gateway itself (wrong internal token, unexpected status)."""


def graphql_field(service_field: str | None) -> str | None:
    """The GraphQL input name for a service's field (`tag_ids` → `tagIds`, `requests.0.after`
    → `after`)."""
    if not service_field:
        return None
    parts = [p for p in service_field.split(".") if not p.isdigit()]
    if not parts:
        return None
    head, *rest = parts[-1].split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


class Upstream:
    """One backing service: its name, its pooled client, the internal credential, its breaker."""

    def __init__(
        self,
        *,
        name: str,
        http: httpx.AsyncClient,
        internal_token: str,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.name = name
        self.http = http
        self._internal_token = internal_token
        self.breaker = breaker or CircuitBreaker(name)
        self.retry = retry
        self._retry_pause = retry_pause(name)

    async def call(
        self,
        method: str,
        path: str,
        *,
        user_id: int | None,
        body: object = None,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, BinaryIO, str]] | None = None,
        read_only: bool = False,
    ) -> Any:
        """Send one request acting for `user_id`; the decoded JSON answer (None for 204).

        A GET, or a POST the caller marks `read_only` (a batch read, a lookup, a search), may be
        sent again after a connection failure or a 502/503/504, and so may a write with an
        `idempotency_key` (sent along; the service replays what already ran); anything else is
        sent at most once. `files` sends a multipart body streamed from the open files (never
        retried). `user_id=None` is for the maintenance routes, which act for no one user.
        """
        headers = self.internal_headers(user_id)
        if idempotency_key is not None:
            headers["idempotency-key"] = idempotency_key
        headers.update(JSON_HEADERS if files is None else {"accept": "application/json"})
        content = orjson.dumps(body) if body is not None else None
        is_read = method == "GET" or (read_only and files is None)
        response = await self._resilient(
            lambda timeout: self.http.request(
                method,
                path,
                content=content,
                files=files,
                params=params,
                headers=headers,
                timeout=timeout,
            ),
            path=path,
            retried=is_read or (idempotency_key is not None and files is None),
        )
        return self._answer(response, path)

    async def open_stream(
        self,
        path: str,
        *,
        user_id: int,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET `path` and return once its headers arrive; the caller streams and closes the body.

        The same path as `call` (breaker, deadline, retries, call counting, error mapping);
        only the status is left to the caller.
        """
        sent = {**self.internal_headers(user_id), **(headers or {})}

        def send(timeout: httpx.Timeout) -> Awaitable[httpx.Response]:
            request = self.http.build_request(
                "GET", path, params=params, headers=sent, timeout=timeout
            )
            return self.http.send(request, stream=True)

        return await self._resilient(send, path=path, retried=True)

    async def _resilient(
        self,
        send: Callable[[httpx.Timeout], Awaitable[httpx.Response]],
        *,
        path: str,
        retried: bool,
    ) -> httpx.Response:
        """Send through the breaker within the deadline; failures become SERVICE_UNAVAILABLE."""
        try:
            return await observed_call(
                self.name,
                path,
                call_with_resilience(
                    send,
                    breaker=self.breaker,
                    upstream_timeout=self.http.timeout,
                    retry=self.retry if retried else None,
                    sleep=self._retry_pause,
                ),
            )
        except CircuitOpenError as exc:
            raise ServiceUnavailableError(self.name) from exc
        except DeadlineExceededError as exc:
            log.warning("request deadline exceeded", service=self.name, path=path)
            raise ServiceUnavailableError(self.name) from exc
        except httpx.RequestError as exc:
            log.warning(
                "upstream call failed", service=self.name, path=path, error=type(exc).__name__
            )
            raise ServiceUnavailableError(self.name) from exc

    def internal_headers(self, user_id: int | None) -> dict[str, str]:
        """The internal credential, the acting user (if any) and the request id, for any call."""
        headers = {"x-internal-token": self._internal_token}
        if user_id is not None:
            headers["x-user-id"] = str(user_id)
        request_id = current_request_id()
        if request_id != "-":
            headers["x-request-id"] = request_id
        return headers

    def read(self, parse: Callable[[Any], T], raw: Any) -> T:
        """Read a decoded answer with `parse`; an undocumented shape is SERVICE_UNAVAILABLE."""
        try:
            return parse(raw)
        except (KeyError, TypeError, ValueError) as exc:
            log.error(
                "upstream answer has an unexpected shape",
                service=self.name,
                error=type(exc).__name__,
                detail=str(exc),
            )
            raise ServiceUnavailableError(self.name) from exc

    def _answer(self, response: httpx.Response, path: str) -> Any:
        status = response.status_code
        if status == 204:
            return None
        if status < 300:
            try:
                return orjson.loads(response.content)
            except orjson.JSONDecodeError as exc:
                log.error("upstream answered non-JSON", service=self.name, path=path)
                raise ServiceUnavailableError(self.name) from exc
        if status >= 500:
            log.warning("upstream failed", service=self.name, path=path, status=status)
            raise ServiceUnavailableError(self.name)
        raise self._refusal(response, path)

    def _refusal(self, response: httpx.Response, path: str) -> Exception:
        """The gateway error for a service's 4xx answer."""
        try:
            error = orjson.loads(response.content)
            code, message, field = str(error["code"]), str(error["message"]), error.get("field")
        except (orjson.JSONDecodeError, KeyError, TypeError):
            code, message, field = "UNKNOWN", "Request refused", None
        status = response.status_code
        if status == 404 and code == "NOT_FOUND":
            return NotFoundError(message)
        if status in (400, 409, 422):
            return BadUserInputError(message, field=graphql_field(field))
        if status == 413:
            return PayloadTooLargeError(message)
        log.error("upstream refused the gateway", service=self.name, path=path, status=status)
        return UpstreamMisconfiguredError(f"{self.name} answered {status} {code}")


class ServiceClient:
    """A service's routes acting for one user; its writes carry the request's idempotency keys."""

    def __init__(self, upstream: Upstream, *, user_id: int, keys: WriteKeys) -> None:
        self._upstream = upstream
        self._user_id = user_id
        self._keys = keys

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._upstream.call(method, path, user_id=self._user_id, **kwargs)

    async def _read(self, path: str, body: object) -> Any:
        """POST a read-only request (retried like a GET)."""
        return await self._call("POST", path, body=body, read_only=True)

    async def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        """A write, under the next idempotency key of this request (so it may be retried)."""
        key = self._keys.next()
        return await self._call(method, path, idempotency_key=key, **kwargs)
