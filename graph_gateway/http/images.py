"""`GET /images/{id}?u=…&exp=…[&w=…]&sig=…`: show an image (or its thumbnail) through a signed URL.

No `Authorization` header is needed (an `<img src>` cannot send one): the signature is the
permission. A forged, altered or expired URL is 403; a deleted image is 404. The bytes are
streamed through, never held whole.
"""

from __future__ import annotations

import time

import structlog
from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

from graph_gateway.clients.resilience import request_deadline
from graph_gateway.errors import ServiceUnavailableError
from graph_gateway.extensions.request_log import add_log_facts
from graph_gateway.http.image_urls import IMAGES_PATH, InvalidImageUrlError
from graph_gateway.services import GatewayServices
from graph_gateway.upstream_stats import tracking_upstream_calls

log = structlog.get_logger("graph_gateway.images")

_PASSED_HEADERS = ("content-type", "content-length", "etag")


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        message,
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def image_router() -> APIRouter:
    """The route that serves signed image URLs."""
    router = APIRouter()

    @router.get(f"{IMAGES_PATH}/{{image_id}}", include_in_schema=False)
    async def show_image(image_id: str, request: Request, services: GatewayServices) -> Response:
        """Stream the image a valid signed URL names, with caching and sniffing headers."""
        try:
            grant = services.image_urls.verify(image_id=image_id, params=request.query_params)
        except InvalidImageUrlError as exc:
            log.info("image URL refused", reason=str(exc))
            return _plain(403, "This image link is invalid or has expired.")
        extra = {"if-none-match": inm} if (inm := request.headers.get("if-none-match")) else {}
        # The same upstream path as every GraphQL field: breaker, deadline, counting, errors.
        deadline_s = services.settings.request_deadline_s
        with request_deadline(deadline_s), tracking_upstream_calls() as stats:
            try:
                upstream = await services.diary.open_stream(
                    f"/images/{grant.image_id}/content",
                    user_id=grant.user_id,
                    idempotent=True,
                    params={"width": str(grant.width)} if grant.width is not None else None,
                    headers=extra,
                )
            except ServiceUnavailableError:
                return _plain(503, "The diary service is unavailable; try again later.")
            finally:
                if stats.services:
                    add_log_facts(request, {"upstream": stats.as_log_fact()})
        caching = {
            # Private: never in a shared cache. Fresh until the URL itself expires.
            "Cache-Control": f"private, max-age={max(0, grant.expires_at - int(time.time()))}",
            "X-Content-Type-Options": "nosniff",
        }
        if upstream.status_code == 200:
            passed = {k: upstream.headers[k] for k in _PASSED_HEADERS if k in upstream.headers}
            return StreamingResponse(
                upstream.aiter_raw(),
                headers={**passed, **caching, "Content-Disposition": "inline"},
                background=BackgroundTask(upstream.aclose),
            )
        await upstream.aclose()
        if upstream.status_code == 304:
            etag = {"ETag": upstream.headers["etag"]} if "etag" in upstream.headers else {}
            return Response(status_code=304, headers={**etag, **caching})
        if upstream.status_code == 404:
            return _plain(404, "This image no longer exists.")
        log.error("image fetch refused", status=upstream.status_code)
        return _plain(502, "The diary service could not serve this image.")

    return router
