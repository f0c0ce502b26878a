"""`DiaryImage` and the image mutations: uploads streamed to the diary, signed URLs to show them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from starlette.datastructures import UploadFile
from starlette.requests import Request
from strawberry.file_uploads import Upload

from graph_gateway.clients.diary_images import DiaryImagesClient
from graph_gateway.clients.records import ImageRecord
from graph_gateway.context import Info
from graph_gateway.errors import BadUserInputError, PayloadTooLargeError
from graph_gateway.types.arguments import target_id
from graph_gateway.types.decorators import field, mutation

MAX_WIDTH = 4096


@strawberry.type(description="A picture attached to a diary entry.")
class DiaryImage:
    """A picture attached to a diary entry."""

    id: strawberry.ID = strawberry.field(description="The image's id.")
    content_type: str = strawberry.field(description="The image's media type, e.g. `image/png`.")
    byte_size: int = strawberry.field(description="The stored file's size in bytes.")
    width: int | None = strawberry.field(description="Width in pixels, as displayed.")
    height: int | None = strawberry.field(description="Height in pixels, as displayed.")
    created_at: datetime = strawberry.field(description="When the image was added.")
    owner_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: ImageRecord, *, owner_id: int) -> DiaryImage:
        """The GraphQL object for an image the diary answered."""
        return cls(
            id=strawberry.ID(str(record.id)),
            content_type=record.content_type,
            byte_size=record.byte_size,
            width=record.width,
            height=record.height,
            created_at=record.created_at,
            owner_id=owner_id,
        )

    @field(
        "A signed URL that shows the image without any header (for `<img src>`) until it "
        "expires (GATEWAY_IMAGE_URL_TTL_MINUTES)."
    )
    def url(self, info: Info) -> str:
        """A signed, expiring URL of the image."""
        return self._signed_url(info, width=None)

    @field(
        "A signed URL of a WebP thumbnail at least `width` pixels wide (widths snap up to 64, "
        "128, 256, 512, 1024 or 2048), or of the image itself when it is no wider; made on "
        "first request and kept. Expires like `url`."
    )
    def thumbnail_url(
        self,
        info: Info,
        width: Annotated[
            int, strawberry.argument(description=f"Wanted width in pixels (1-{MAX_WIDTH}).")
        ],
    ) -> str:
        """A signed, expiring URL of a thumbnail of the image."""
        if not 1 <= width <= MAX_WIDTH:
            raise BadUserInputError(f"width must be between 1 and {MAX_WIDTH}", field="width")
        return self._signed_url(info, width=width)

    def _signed_url(self, info: Info, *, width: int | None) -> str:
        return info.context.image_urls.url(
            image_id=int(self.id),
            user_id=self.owner_id,
            request_base_url=info.context.base_url,
            width=width,
        )


def _request(info: Info) -> Request:
    request = info.context.request
    assert isinstance(request, Request), "GraphQL runs over HTTP only"
    return request


def _refuse_too_large(info: Info, message: str) -> PayloadTooLargeError:
    """PAYLOAD_TOO_LARGE, answered with HTTP 413 as the contract says."""
    if info.context.response is not None:
        info.context.response.status_code = 413
    return PayloadTooLargeError(message)


def _upload_size(upload: UploadFile) -> int:
    """The uploaded file's size (Starlette counts it while spooling the part)."""
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


@strawberry.type
class ImageMutations:
    """Attach and remove diary images."""

    @mutation(
        "Attach an image (JPEG, PNG, WebP or GIF, at most 50 MB) to an entry. Send it as a "
        "GraphQL multipart request with an `Apollo-Require-Preflight: true` header. Location "
        "metadata (EXIF GPS) is removed before the image is stored."
    )
    async def add_diary_image(
        self,
        info: Info,
        entry_id: Annotated[strawberry.ID, strawberry.argument(description="The entry's id.")],
        file: Annotated[Upload, strawberry.argument(description="The image file (multipart).")],
    ) -> DiaryImage:
        """Attach an image to a diary entry."""
        user_id = info.context.user_id
        entry = target_id(entry_id, kind="diary entry")
        if not isinstance(file, UploadFile):
            raise BadUserInputError("Send the file as a multipart upload", field="file")
        max_bytes = info.context.max_image_bytes
        if _upload_size(file) > max_bytes:
            raise _refuse_too_large(info, f"The file is over {max_bytes} bytes")
        client = DiaryImagesClient(info.context.services.diary, user_id=user_id)
        try:
            record = await client.add_image(entry, file.file)
        except PayloadTooLargeError as exc:
            raise _refuse_too_large(info, exc.message) from exc
        return DiaryImage.from_record(record, owner_id=user_id)

    @mutation("Remove an image from its entry, with its file; answers the image's id.")
    async def delete_diary_image(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The image's id.")],
    ) -> strawberry.ID:
        """Remove a diary image."""
        user_id = info.context.user_id
        image_id = target_id(id, kind="diary image")
        await DiaryImagesClient(info.context.services.diary, user_id=user_id).delete_image(image_id)
        return strawberry.ID(str(image_id))
