"""`Upstream.call` and its streaming sibling `open_stream`: the one path every upstream call takes.

Service answers become gateway errors here: 404 → `NotFoundError`, 409/422/400 →
`BadUserInputError` naming the GraphQL input field, 413 → `PayloadTooLargeError`; transport
failures, timeouts, 5xx and unreadable answers → `ServiceUnavailableError`. A 401 means the
internal credential is misconfigured: a bug, so it surfaces as an unexpected (masked) error.

Every call goes through the service's circuit breaker (an open one fails fast with
`SERVICE_UNAVAILABLE`), within the request's deadline. Each call states whether it is
idempotent (a read, or a write carrying an `Idempotency-Key`, which the service runs once):
those are retried with backoff, the others never. Nothing is inferred from a method or a path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import BinaryIO, TypeVar

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
from graph_gateway.clients.service_json import JsonBody
from graph_gateway.errors import (
    BadUserInputError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
)
from graph_gateway.observability.upstream import observed_call, retry_pause

log = structlog.get_logger("graph_gateway.upstream")

T = TypeVar("T")
Shape = TypeVar("Shape")
"""The documented JSON shape a parser reads (a `service_json` TypedDict)."""

JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}
# Parsed URLs kept per service: its fixed routes (a handful) and the first ids written to;
# further paths are parsed per call, so the memory stays bounded.
MAX_KEPT_URLS = 512


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
        # httpx parses the base and the path again on every `build_request` (about a quarter of
        # a millisecond a call): the joined URL is parsed once per path instead.
        self._base = str(http.base_url).rstrip("/")
        self._urls: dict[str, httpx.URL] = {}

    def url(self, path: str) -> httpx.URL:
        """The service's URL for `path` (which starts with `/`), parsed once per path."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self._base + path)
            if len(self._urls) < MAX_KEPT_URLS:
                self._urls[path] = url
        return url

    async def call(
        self,
        method: str,
        path: str,
        *,
        user_id: int | None,
        parse: Callable[[Shape], T],
        idempotent: bool,
        body: JsonBody | None = None,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, BinaryIO, str]] | None = None,
    ) -> T:
        """Send one request acting for `user_id`; its JSON answer read by `parse` (None for 204).

        `idempotent` is the caller's word that sending the request twice does no harm (a read,
        or a write whose `idempotency_key`, sent along, the service runs once): only then is it
        sent again after a connection failure or a 502/503/504. `files` sends a multipart body
        streamed from the open files, which cannot be sent twice. `user_id=None` is for the
        maintenance routes, which act for no one user.
        """
        headers = self.internal_headers(user_id)
        if idempotency_key is not None:
            headers["idempotency-key"] = idempotency_key
        url = self.url(path)
        if params:
            url = url.copy_merge_params(params)
        if files is None:
            headers.update(JSON_HEADERS)
            content = orjson.dumps(body) if body is not None else None
            # Straight to a request on the parsed URL: `build_request` would parse it again.
            request = httpx.Request(method, url, content=content, headers=headers)
        else:
            headers["accept"] = "application/json"
            request = self.http.build_request(method, url, files=files, headers=headers)
        response = await self._send(request, path=path, stream=False, idempotent=idempotent)
        return self._answer(response, path, parse)

    async def open_stream(
        self,
        path: str,
        *,
        user_id: int,
        idempotent: bool,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET `path` and return once its headers arrive; the caller streams and closes the body.

        The streaming sibling of `call` (breaker, deadline, retries if `idempotent`, call
        counting, error mapping); only the status is left to the caller.
        """
        sent = {**self.internal_headers(user_id), **(headers or {})}
        url = self.url(path)
        request = httpx.Request(
            "GET", url.copy_merge_params(params) if params else url, headers=sent
        )
        return await self._send(request, path=path, stream=True, idempotent=idempotent)

    async def _send(
        self, request: httpx.Request, *, path: str, stream: bool, idempotent: bool
    ) -> httpx.Response:
        """Send through the breaker within the deadline, again after a failure if `idempotent`;
        failures become SERVICE_UNAVAILABLE."""

        def attempt(timeout: httpx.Timeout) -> Awaitable[httpx.Response]:
            # Each attempt gets what is left of the request's deadline.
            request.extensions["timeout"] = timeout.as_dict()
            return self.http.send(request, stream=stream)

        try:
            return await observed_call(
                self.name,
                path,
                call_with_resilience(
                    attempt,
                    breaker=self.breaker,
                    upstream_timeout=self.http.timeout,
                    retry=self.retry if idempotent else None,
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

    def _answer(self, response: httpx.Response, path: str, parse: Callable[[Shape], T]) -> T:
        """The answer read by `parse`; a refusal, a failure or an undocumented shape raises."""
        status = response.status_code
        if status >= 500:
            log.warning("upstream failed", service=self.name, path=path, status=status)
            raise ServiceUnavailableError(self.name)
        if status >= 300:
            raise self._refusal(response, path)
        try:
            # A 204 carries no body: its parser reads JSON null.
            return parse(orjson.loads(b"null" if status == 204 else response.content))
        except orjson.JSONDecodeError as exc:
            log.error("upstream answered non-JSON", service=self.name, path=path)
            raise ServiceUnavailableError(self.name) from exc
        except (KeyError, TypeError, ValueError) as exc:
            log.error(
                "upstream answer has an unexpected shape",
                service=self.name,
                error=type(exc).__name__,
                detail=str(exc),
            )
            raise ServiceUnavailableError(self.name) from exc

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
