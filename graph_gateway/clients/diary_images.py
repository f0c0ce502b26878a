"""Typed client of the diary service's image routes, acting for one user."""

from __future__ import annotations

from typing import BinaryIO

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.service_json import no_content
from graph_gateway.types.image import DiaryImage

# The diary names stored files itself; the client's file name is never passed on.
UPLOAD_NAME = "upload"


class DiaryImagesClient:
    """Add and delete diary images; every call is scoped to `user_id`."""

    def __init__(self, upstream: Upstream, *, user_id: int) -> None:
        self._upstream = upstream
        self._user_id = user_id

    async def add_image(self, entry_id: int, file: BinaryIO) -> DiaryImage:
        """Stream an image file to an entry; the diary checks it (BAD_USER_INPUT on `file`),
        NOT_FOUND if the entry is not the user's, BAD_USER_INPUT on `entryId` when it is full,
        PAYLOAD_TOO_LARGE over its limit. Sent once: a streamed body cannot be sent again."""
        return await self._upstream.call(
            "POST",
            f"/entries/{entry_id}/images",
            user_id=self._user_id,
            files={"file": (UPLOAD_NAME, file, "application/octet-stream")},
            parse=DiaryImage.from_json,
            idempotent=False,
        )

    async def delete_image(self, image_id: int) -> None:
        """Delete an image with its file; NOT_FOUND if it is not the user's. Sent once (it
        carries no idempotency key)."""
        await self._upstream.call(
            "DELETE",
            f"/images/{image_id}",
            user_id=self._user_id,
            parse=no_content,
            idempotent=False,
        )
