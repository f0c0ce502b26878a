"""Tag mutations; deleting a tag also removes it from the diary's entries."""

from __future__ import annotations

import contextlib
from typing import Annotated

import strawberry

from graph_gateway.context import Info
from graph_gateway.errors import NotFoundError, ServiceUnavailableError
from graph_gateway.types.arguments import target_id
from graph_gateway.types.decorators import mutation
from graph_gateway.types.inputs import TagInput
from graph_gateway.types.tag import Tag

TAG_ID = strawberry.argument(description="The tag's id.")


@strawberry.type
class TagMutations:
    """Create, change and delete tags."""

    @mutation("Create a tag.")
    async def create_tag(
        self, info: Info, input: Annotated[TagInput, strawberry.argument(description="The tag.")]
    ) -> Tag:
        """Create a tag."""
        record = await info.context.calendar.create_tag(name=input.name, color=input.color)
        return Tag.from_record(record)

    @mutation("Rename or recolor a tag.")
    async def update_tag(
        self,
        info: Info,
        id: Annotated[strawberry.ID, TAG_ID],
        input: Annotated[TagInput, strawberry.argument(description="The new name and color.")],
    ) -> Tag:
        """Rename or recolor a tag."""
        calendar = info.context.calendar
        changes = {"name": input.name, "color": input.color}
        record = await calendar.update_tag(target_id(id, kind="tag"), changes=changes)
        return Tag.from_record(record)

    @mutation("Delete a tag from the calendar and the diary; answers its id.")
    async def delete_tag(self, info: Info, id: Annotated[strawberry.ID, TAG_ID]) -> strawberry.ID:
        """Delete a tag everywhere it is used."""
        tag_id = target_id(id, kind="tag")
        try:
            await info.context.calendar.delete_tag(tag_id)
        except NotFoundError:
            # A retry after a failed diary cleanup lands here: finish the cleanup, then refuse.
            with contextlib.suppress(ServiceUnavailableError):
                await info.context.diary.forget_tag(tag_id)
            raise
        await info.context.diary.forget_tag(tag_id)
        return id
