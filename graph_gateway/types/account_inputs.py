"""`UpdateMeInput` and `DataExport`: the account's own profile and its data export."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input(description="Changes to the signed-in user's profile; absent fields stay.")
class UpdateMeInput:
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The name shown to the user (null or blank: none)."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="An IANA time zone name, e.g. `Asia/Seoul`."
    )


@strawberry.type(description="An archive of everything the user owns, ready to download.")
class DataExport:
    url: str = strawberry.field(
        description="A signed link to the zip (no header needed) until `expiresAt`."
    )
    expires_at: datetime = strawberry.field(description="When the link and the archive expire.")
    byte_size: int = strawberry.field(description="The archive's size in bytes.")
