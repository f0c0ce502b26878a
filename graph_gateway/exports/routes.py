"""`GET /exports/{id}?u=…&exp=…&sig=…`: download an export archive through its signed URL."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from graph_gateway.http.image_urls import EXPORTS_PATH, InvalidImageUrlError
from graph_gateway.services import GatewayServices

log = structlog.get_logger("graph_gateway.exports")
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _plain(status: int, message: str) -> Response:
    return Response(
        message, status_code=status, media_type="text/plain; charset=utf-8", headers=NO_STORE
    )


def export_router() -> APIRouter:
    """The route that serves signed export URLs."""
    router = APIRouter()

    @router.get(f"{EXPORTS_PATH}/{{export_id}}", include_in_schema=False)
    async def download_export(
        export_id: str, request: Request, services: GatewayServices
    ) -> Response:
        """Send the archive a valid signed URL names (403 if forged or expired, 404 if gone)."""
        store = services.accounts.exporter.store
        try:
            user_id = services.image_urls.verify_export(
                export_id=export_id, params=request.query_params
            )
            path = store.path(user_id=user_id, export_id=export_id)
        except (InvalidImageUrlError, ValueError) as exc:
            log.info("export URL refused", reason=str(exc))
            return _plain(403, "This download link is invalid or has expired.")
        if not path.is_file():
            return _plain(404, "This export no longer exists.")
        return FileResponse(
            path,
            media_type="application/zip",
            filename="fortune-compass-export.zip",
            headers=NO_STORE,
        )

    return router
