"""`DiaryImage`: a picture attached to a diary entry, shown through signed URLs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph_gateway.clients.service_json import ImageJson
from graph_gateway.errors import BadUserInputError
from graph_gateway.types.decorators import field
from graph_gateway.types.info import Info

MAX_WIDTH = 4096


@strawberry.type(description="A picture attached to a diary entry.")
class DiaryImage:
    id: strawberry.ID = strawberry.field(description="The image's id.")
    content_type: str = strawberry.field(description="The image's media type, e.g. `image/png`.")
    byte_size: int = strawberry.field(description="The stored file's size in bytes.")
    width: int | None = strawberry.field(description="Width in pixels, as displayed.")
    height: int | None = strawberry.field(description="Height in pixels, as displayed.")
    created_at: datetime = strawberry.field(description="When the image was added.")

    @classmethod
    def from_json(cls, raw: ImageJson) -> DiaryImage:
        """The image the diary answered."""
        return cls(
            id=strawberry.ID(str(raw["id"])),
            content_type=raw["content_type"],
            byte_size=raw["byte_size"],
            width=raw["width"],
            height=raw["height"],
            created_at=datetime.fromisoformat(raw["created_at"]),
        )

    @field(
        "A signed URL that shows the image without any header (for `<img src>`) until it "
        "expires (GATEWAY_IMAGE_URL_TTL_MINUTES)."
    )
    def url(self, info: Info) -> str:
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
        if not 1 <= width <= MAX_WIDTH:
            raise BadUserInputError(f"width must be between 1 and {MAX_WIDTH}", field="width")
        return self._signed_url(info, width=width)

    def _signed_url(self, info: Info, *, width: int | None) -> str:
        # An image is only ever shown to its owner: the signed-in user.
        context = info.context
        return context.image_urls.url(
            image_id=int(self.id),
            user_id=context.user_id,
            request_base_url=context.base_url,
            width=width,
        )
