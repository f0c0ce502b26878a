"""`DiaryImage` and the image mutations (declared now; uploads arrive with the image store)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from graph_gateway.errors import ServiceUnavailableError
from graph_gateway.types.decorators import mutation

NOT_YET = "Diary images are not available yet"


@strawberry.type(description="A picture attached to a diary entry.")
class DiaryImage:
    """A picture attached to a diary entry."""

    id: strawberry.ID = strawberry.field(description="The image's id.")
    url: str = strawberry.field(description="A signed URL that shows the image until it expires.")
    content_type: str = strawberry.field(description="The image's media type, e.g. `image/png`.")
    byte_size: int = strawberry.field(description="The stored file's size in bytes.")
    width: int | None = strawberry.field(description="Width in pixels.")
    height: int | None = strawberry.field(description="Height in pixels.")
    created_at: datetime = strawberry.field(description="When the image was added.")


@strawberry.type
class ImageMutations:
    """Attach and remove diary images."""

    @mutation("Attach an image (JPEG, PNG, WebP or GIF, ≤ 50 MB) to an entry.")
    async def add_diary_image(
        self,
        entry_id: Annotated[strawberry.ID, strawberry.argument(description="The entry's id.")],
        file: Annotated[Upload, strawberry.argument(description="The image file (multipart).")],
    ) -> DiaryImage:
        """Attach an image to a diary entry."""
        del entry_id, file
        raise ServiceUnavailableError("diary", NOT_YET)

    @mutation("Remove an image from its entry; answers the image's id.")
    async def delete_diary_image(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The image's id.")]
    ) -> strawberry.ID:
        """Remove a diary image."""
        del id
        raise ServiceUnavailableError("diary", NOT_YET)
