"""The `/graphql` endpoint: GraphQL over HTTP as its spec wants it, and GraphiQL served offline.

What plain Strawberry does differently, and this router fixes:
- answers `application/graphql-response+json` when the client asks for it (else
  `application/json`), and 406 when the client accepts neither;
- with `application/graphql-response+json`, a request error (unparsable or invalid document,
  variables that do not coerce) is a 400 without a `data` entry;
- a mutation over GET is 405 with `Allow: POST`; a POST without a JSON or multipart body is 415;
- a non-string `operationName` is a 400;
- request-level failures carry a GraphQL error body, not plain text (their classes, codes and
  statuses are in `errors.py`), and so does an answer an error gives its own status (413, 429);
- GraphiQL is rendered only for browsers (`Accept: text/html`), from the gateway's own files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import strawberry
import structlog
from cross_web import HTTPException
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIWebSocketRoute
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graph_gateway.context import get_context
from graph_gateway.errors import (
    GatewayError,
    MethodNotAllowedError,
    NotAcceptableError,
    RequestRejectedError,
    UnsupportedMediaTypeError,
    http_refusal,
    refusal_of,
)
from graph_gateway.http.csrf import CSRF_MESSAGE, forces_preflight
from graph_gateway.http.graphiql import GraphiQLAssets, render_graphiql_page
from graph_gateway.http.graphql_body import error_body, safe_json
from graph_gateway.http.idempotency import run_once
from graph_gateway.http.request_body import decode_json, fill_files, request_data
from graph_gateway.services import services_of_app
from graph_gateway.settings import GatewaySettings

log = structlog.get_logger("fc.gateway.http")

GRAPHQL_PATH = "/graphql"
ASSETS_PATH = f"{GRAPHQL_PATH}/assets"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
APPLICATION_JSON: Final = "application/json"
MediaType = Literal["application/graphql-response+json", "application/json"]


def negotiate(accept: str | None) -> MediaType | None:
    """Pick the response media type from an Accept header; None when neither JSON type is accepted.

    A missing header or a wildcard means the legacy `application/json`; the watershed type wins a
    tie with it, because a client that names it understands its status codes.
    """
    if not accept or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, int, MediaType] | None = None
    for part in accept.split(","):
        media, params = parse_content_type(part.strip())
        quality = _quality(params)
        if quality <= 0:
            continue
        candidate: tuple[float, int, MediaType]
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = (quality, 1, GRAPHQL_RESPONSE_JSON)
        elif media in (APPLICATION_JSON, "application/*", "*/*"):
            candidate = (quality, 0, APPLICATION_JSON)
        else:
            continue
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return None if best is None else best[2]


def _quality(params: Mapping[str, str]) -> float:
    try:
        return float(params.get("q", "1"))
    except ValueError:
        return 0.0


def _is_request_error(result: ExecutionResult) -> bool:
    """Whether the errors came before execution (parse, validation, variable coercion)."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class GraphQLResult(Response):
    """A response built from an execution result (as opposed to the IDE page or an HTTP error)."""


class SpecGraphQLRouter(GraphQLRouter[Any, None]):
    """Strawberry's FastAPI router, held to the GraphQL-over-HTTP spec and with offline GraphiQL."""

    def __init__(self, schema: strawberry.Schema, *, assets: GraphiQLAssets, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self.assets = assets
        # No subscriptions in the schema: drop the WebSocket route rather than accept and close.
        self.routes[:] = [r for r in self.routes if not isinstance(r, APIWebSocketRoute)]

    async def run(  # type: ignore[override]  # HTTP only: there is no WebSocket route
        self, request: Request, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response:
        """Run one GraphQL request, negotiating the media type and status code."""
        media_type = negotiate(request.headers.get("accept"))
        adapter = self.request_adapter_class(request)
        if media_type is None and not self.should_render_graphql_ide(adapter):
            not_acceptable = NotAcceptableError(
                f"Accept {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}."
            )
            return _error_response(not_acceptable, APPLICATION_JSON)
        chosen: MediaType = media_type or APPLICATION_JSON
        try:
            response: Response = await run_once(
                request,
                services_of_app(request.app),
                lambda: self._run_graphql(request, context, root_value),
                answer=lambda body, status: GraphQLResult(
                    body, status, media_type=APPLICATION_JSON
                ),
                refusal_status=400 if chosen == GRAPHQL_RESPONSE_JSON else 200,
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and request.method == "GET":
                get_mutation = MethodNotAllowedError(
                    "Mutations need POST; GET runs queries only.", allow="POST"
                )
                return _error_response(get_mutation, chosen)
            return _error_response(http_refusal(error.status_code, error.reason), chosen)
        except GatewayError as error:
            return _error_response(error, chosen)
        finally:
            # Closing the request closes (and so deletes) a multipart body's spooled files now,
            # rather than whenever the garbage collector gets to them.
            await request.close()
        if isinstance(response, GraphQLResult):
            request_error = getattr(request.state, "request_error", False)
            # A status an error sets (429, 413) stands.
            if chosen == GRAPHQL_RESPONSE_JSON and request_error and response.status_code == 200:
                response.status_code = 400
            response.headers["content-type"] = f"{chosen}; charset=utf-8"
        return response

    async def _run_graphql(self, request: Request, context: Any, root_value: Any) -> Response:
        """Strawberry's run, with the HTTP status and headers an error of the answer asks for."""
        response: Response = await super().run(request, context, root_value)
        refusal: GatewayError | None = getattr(request.state, "refusal", None)
        if refusal is not None and refusal.status is not None:
            response.status_code = refusal.status
            response.headers.update(refusal.headers)
        return response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Render GraphiQL for a browser's GET without a query (not for `*/*` clients like curl)."""
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and request.query_params.get("query") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Serve the offline GraphiQL page (never Strawberry's CDN-based one)."""
        return render_graphiql_page(self.assets, endpoint=request.url.path)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Read the request's parameters from the query string, JSON or multipart, checked once."""
        if request.method == "GET":
            params = dict(request.query_params)
            for name in ("variables", "extensions"):
                if params.get(name):
                    params[name] = decode_json(params[name], what=f"`{name}` parameter")
            return request_data(params)
        content_type, _ = parse_content_type(request.content_type or "")
        if content_type == APPLICATION_JSON:
            return request_data(decode_json(await request.get_body()))
        if content_type != "multipart/form-data":
            raise UnsupportedMediaTypeError("Send the request as application/json.")
        if not forces_preflight(request.headers):
            raise RequestRejectedError(CSRF_MESSAGE)
        return request_data(await self.parse_multipart(request))

    async def parse_multipart(self, request: Any) -> dict[str, Any]:
        """Read `operations` and `map` and put each file in the placeholder `map` names."""
        try:
            form_data = await request.get_form_data()
        except ValueError as exc:
            raise RequestRejectedError("Unable to parse the multipart body") from exc
        operations = form_data.form.get("operations")
        files_map = form_data.form.get("map", "{}")
        if not isinstance(operations, str | bytes) or not isinstance(files_map, str | bytes):
            raise RequestRejectedError("A multipart request needs `operations` and `map` fields")
        return fill_files(  # type: ignore[no-any-return]
            decode_json(operations, what="multipart `operations`"),
            decode_json(files_map, what="multipart `map`"),
            form_data.files,
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Format the result; a request error has no `data` entry, as the GraphQL spec says."""
        response = await super().process_result(request, result)
        request.state.refusal = refusal_of(result.errors)
        if _is_request_error(result):
            response.pop("data", None)
            request.state.request_error = True
        return response

    def encode_json(self, data: object) -> bytes:
        """Encode a result with orjson (several times faster than `json.dumps` on big pages)."""
        return safe_json(data)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Encode the result; status and media type are settled in `run`."""
        response = GraphQLResult(
            self.encode_json(response_data),
            media_type=APPLICATION_JSON,
            status_code=sub_response.status_code or 200,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.headers.setdefault("cache-control", "no-store")
        return response


def _error_response(error: GatewayError, media_type: MediaType) -> Response:
    """A request-level failure as a GraphQL response body with the HTTP status it deserves."""
    return Response(
        error_body(error.message, error.extensions),
        status_code=error.status or 400,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Cache-Control": "no-store", **error.headers},
    )


def make_graphql_router(schema: strawberry.Schema, *, settings: GatewaySettings) -> APIRouter:
    """Build the router serving the schema at `/graphql` and GraphiQL's files under it."""
    graphiql_enabled = settings.graphiql
    node_modules = settings.node_modules_dir or PROJECT_ROOT / "node_modules"
    assets = GraphiQLAssets(node_modules, mount=ASSETS_PATH)
    if graphiql_enabled and (missing := assets.missing()):
        # The API works without them; only the GraphiQL page answers 503 saying what to run.
        log.warning("graphiql_assets_missing", missing=[str(p) for p in missing], fix="make node")
    router = SpecGraphQLRouter(
        schema,
        assets=assets,
        path=GRAPHQL_PATH,
        context_getter=get_context,
        graphql_ide="graphiql" if graphiql_enabled else None,
        multipart_uploads_enabled=True,
        subscription_protocols=(),
    )

    @router.api_route(GRAPHQL_PATH, methods=["PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def other_methods() -> Response:
        """Refuse methods GraphQL over HTTP does not use, naming the ones it does."""
        refusal = MethodNotAllowedError(
            "GraphQL over HTTP takes GET (queries) and POST.", allow="GET, POST"
        )
        return _error_response(refusal, APPLICATION_JSON)

    if graphiql_enabled:

        @router.api_route(
            f"{ASSETS_PATH}/{{bundle}}/{{name}}", methods=["GET", "HEAD"], include_in_schema=False
        )
        async def graphiql_asset(bundle: str, name: str, request: Request) -> Response:
            """Serve one of GraphiQL's files, cacheable for a year (its URL names its version)."""
            asset = assets.find(bundle, name)
            if asset is None:
                return Response("Not Found", status_code=404, media_type="text/plain")
            return await asset.response(accept_encoding=request.headers.get("accept-encoding", ""))

    return router
