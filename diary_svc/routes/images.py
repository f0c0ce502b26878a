"""Diary images: upload to an entry (multipart, streamed), metadata, bytes, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from diary_svc.images import UPLOAD_FIELD, ImageShelf
from diary_svc.models import ImagePublic
from diary_svc.routes.entries import EntryId
from fc_common.errors import error_responses
from fc_common.internal_auth import CallerDep
from fc_common.openapi import NO_CONTENT
from fc_common.pagination import MAX_ROW_ID
from fc_common.service_app import DatabaseDep

router = APIRouter(tags=["images"], responses=error_responses(401))

ImageId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The image's id")]
MAX_THUMBNAIL_REQUEST = 4096

_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [UPLOAD_FIELD],
                    "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


def image_shelf(request: Request) -> ImageShelf:
    """The `ImageShelf` the app keeps on `app.state.images`."""
    shelf: ImageShelf = request.app.state.images
    return shelf


ShelfDep = Annotated[ImageShelf, Depends(image_shelf)]


@router.post(
    "/entries/{entry_id}/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImagePublic,
    responses=error_responses(404, 413, 422),
    openapi_extra=_MULTIPART_BODY,
)
async def add_image(
    entry_id: EntryId, request: Request, caller: CallerDep, db: DatabaseDep, shelf: ShelfDep
) -> ImagePublic:
    """Attach an image (one multipart part named `file`) to one of the caller's entries."""
    return await shelf.add(request, db=db, owner_id=caller.user_id, entry_id=entry_id)


@router.get("/images/{image_id}", response_model=ImagePublic, responses=error_responses(404))
def get_image(
    image_id: ImageId, caller: CallerDep, db: DatabaseDep, shelf: ShelfDep
) -> ImagePublic:
    """Read one of the caller's images' metadata."""
    return shelf.get(db=db, owner_id=caller.user_id, image_id=image_id)


@router.get(
    "/images/{image_id}/content",
    response_class=StreamingResponse,
    responses={
        **error_responses(404),
        200: {"description": "The image bytes", "content": {"image/*": {}}},
        304: {"description": "The caller's copy (`If-None-Match`) is current"},
    },
)
def get_image_content(
    image_id: ImageId,
    request: Request,
    caller: CallerDep,
    db: DatabaseDep,
    shelf: ShelfDep,
    width: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_THUMBNAIL_REQUEST,
            description="A thumbnail (WebP) at least this wide, if narrower than the image",
        ),
    ] = None,
) -> Response:
    """Stream one of the caller's images (or a thumbnail), with type, length and ETag."""
    content = shelf.open(db=db, owner_id=caller.user_id, image_id=image_id, width=width)
    etag = f'"{content.etag}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=0, must-revalidate"}
    if etag in request.headers.get("if-none-match", ""):
        content.file.close()
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    headers["Content-Length"] = str(content.byte_size)
    return StreamingResponse(content.chunks(), media_type=content.content_type, headers=headers)


@router.delete("/images/{image_id}", responses=error_responses(404), **NO_CONTENT)
def delete_image(image_id: ImageId, caller: CallerDep, db: DatabaseDep, shelf: ShelfDep) -> None:
    """Delete one of the caller's images: its row, then its file."""
    shelf.delete(db=db, owner_id=caller.user_id, image_id=image_id)
