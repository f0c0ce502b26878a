"""`addDiaryImage` and `deleteDiaryImage`: uploads streamed to the diary, never held whole."""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from graph_gateway.errors import BadUserInputError, PayloadTooLargeError
from graph_gateway.types.arguments import EntryId, describe, target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.image import DiaryImage
from graph_gateway.types.info import Info

ImageId = Annotated[strawberry.ID, describe("The image's id.")]


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
        entry_id: EntryId,
        file: Annotated[Upload, describe("The image file (multipart).")],
    ) -> DiaryImage:
        images = info.context.diary_images
        entry = target_id(entry_id, kind="diary entry")
        if not isinstance(file, UploadFile):
            raise BadUserInputError("Send the file as a multipart upload", field="file")
        max_bytes = info.context.max_image_bytes
        if _upload_size(file) > max_bytes:
            raise PayloadTooLargeError(f"The file is over {max_bytes} bytes")
        return await images.add_image(entry, file.file)

    @mutation("Remove an image from its entry, with its file; answers the image's id.")
    async def delete_diary_image(self, info: Info, id: ImageId) -> strawberry.ID:
        images = info.context.diary_images
        image_id = target_id(id, kind="diary image")
        await images.delete_image(image_id)
        return strawberry.ID(str(image_id))
